// Built by just client from libs/web-client/src (bundles openapi-fetch, MIT licence). Do not edit.

// node_modules/openapi-fetch/dist/index.mjs
var PATH_PARAM_RE = /\{[^{}]+\}/g;
var supportsRequestInitExt = () => {
  return typeof process === "object" && Number.parseInt(process?.versions?.node?.substring(0, 2)) >= 18 && process.versions.undici;
};
function randomID() {
  return Math.random().toString(36).slice(2, 11);
}
function createClient(clientOptions) {
  let {
    baseUrl = "",
    Request: CustomRequest = globalThis.Request,
    fetch: baseFetch = globalThis.fetch,
    querySerializer: globalQuerySerializer,
    bodySerializer: globalBodySerializer,
    pathSerializer: globalPathSerializer,
    headers: baseHeaders,
    requestInitExt = void 0,
    ...baseOptions
  } = { ...clientOptions };
  requestInitExt = supportsRequestInitExt() ? requestInitExt : void 0;
  baseUrl = removeTrailingSlash(baseUrl);
  const globalMiddlewares = [];
  async function coreFetch(schemaPath, fetchOptions) {
    const {
      baseUrl: localBaseUrl,
      fetch: fetch2 = baseFetch,
      Request = CustomRequest,
      headers,
      params = {},
      parseAs = "json",
      querySerializer: requestQuerySerializer,
      bodySerializer = globalBodySerializer ?? defaultBodySerializer,
      pathSerializer: requestPathSerializer,
      body,
      middleware: requestMiddlewares = [],
      ...init
    } = fetchOptions || {};
    let finalBaseUrl = baseUrl;
    if (localBaseUrl) {
      finalBaseUrl = removeTrailingSlash(localBaseUrl) ?? baseUrl;
    }
    let querySerializer = typeof globalQuerySerializer === "function" ? globalQuerySerializer : createQuerySerializer(globalQuerySerializer);
    if (requestQuerySerializer) {
      querySerializer = typeof requestQuerySerializer === "function" ? requestQuerySerializer : createQuerySerializer({
        ...typeof globalQuerySerializer === "object" ? globalQuerySerializer : {},
        ...requestQuerySerializer
      });
    }
    const pathSerializer = requestPathSerializer || globalPathSerializer || defaultPathSerializer;
    const serializedBody = body === void 0 ? void 0 : bodySerializer(
      body,
      // Note: we declare mergeHeaders() both here and below because it’s a bit of a chicken-or-egg situation:
      // bodySerializer() needs all headers so we aren’t dropping ones set by the user, however,
      // the result of this ALSO sets the lowest-priority content-type header. So we re-merge below,
      // setting the content-type at the very beginning to be overwritten.
      // Lastly, based on the way headers work, it’s not a simple “present-or-not” check becauase null intentionally un-sets headers.
      mergeHeaders(baseHeaders, headers, params.header)
    );
    const finalHeaders = mergeHeaders(
      // with no body, we should not to set Content-Type
      serializedBody === void 0 || // if serialized body is FormData; browser will correctly set Content-Type & boundary expression
      serializedBody instanceof FormData ? {} : {
        "Content-Type": "application/json"
      },
      baseHeaders,
      headers,
      params.header
    );
    const finalMiddlewares = [...globalMiddlewares, ...requestMiddlewares];
    const requestInit = {
      redirect: "follow",
      ...baseOptions,
      ...init,
      body: serializedBody,
      headers: finalHeaders
    };
    let id;
    let options;
    let request = new Request(
      createFinalURL(schemaPath, { baseUrl: finalBaseUrl, params, querySerializer, pathSerializer }),
      requestInit
    );
    let response;
    for (const key in init) {
      if (!(key in request)) {
        request[key] = init[key];
      }
    }
    if (finalMiddlewares.length) {
      id = randomID();
      options = Object.freeze({
        baseUrl: finalBaseUrl,
        fetch: fetch2,
        parseAs,
        querySerializer,
        bodySerializer,
        pathSerializer
      });
      for (const m of finalMiddlewares) {
        if (m && typeof m === "object" && typeof m.onRequest === "function") {
          const result = await m.onRequest({
            request,
            schemaPath,
            params,
            options,
            id
          });
          if (result) {
            if (result instanceof Request) {
              request = result;
            } else if (result instanceof Response) {
              response = result;
              break;
            } else {
              throw new Error("onRequest: must return new Request() or Response() when modifying the request");
            }
          }
        }
      }
    }
    if (!response) {
      try {
        response = await fetch2(request, requestInitExt);
      } catch (error2) {
        let errorAfterMiddleware = error2;
        if (finalMiddlewares.length) {
          for (let i = finalMiddlewares.length - 1; i >= 0; i--) {
            const m = finalMiddlewares[i];
            if (m && typeof m === "object" && typeof m.onError === "function") {
              const result = await m.onError({
                request,
                error: errorAfterMiddleware,
                schemaPath,
                params,
                options,
                id
              });
              if (result) {
                if (result instanceof Response) {
                  errorAfterMiddleware = void 0;
                  response = result;
                  break;
                }
                if (result instanceof Error) {
                  errorAfterMiddleware = result;
                  continue;
                }
                throw new Error("onError: must return new Response() or instance of Error");
              }
            }
          }
        }
        if (errorAfterMiddleware) {
          throw errorAfterMiddleware;
        }
      }
      if (finalMiddlewares.length) {
        for (let i = finalMiddlewares.length - 1; i >= 0; i--) {
          const m = finalMiddlewares[i];
          if (m && typeof m === "object" && typeof m.onResponse === "function") {
            const result = await m.onResponse({
              request,
              response,
              schemaPath,
              params,
              options,
              id
            });
            if (result) {
              if (!(result instanceof Response)) {
                throw new Error("onResponse: must return new Response() when modifying the response");
              }
              response = result;
            }
          }
        }
      }
    }
    const contentLength = response.headers.get("Content-Length");
    if (response.status === 204 || request.method === "HEAD" || contentLength === "0" && !response.headers.get("Transfer-Encoding")?.includes("chunked")) {
      return response.ok ? { data: void 0, response } : { error: void 0, response };
    }
    if (response.ok) {
      const getResponseData = async () => {
        if (parseAs === "stream") {
          return response.body;
        }
        if (parseAs === "json" && !contentLength) {
          const raw = await response.text();
          return raw ? JSON.parse(raw) : void 0;
        }
        return await response[parseAs]();
      };
      return { data: await getResponseData(), response };
    }
    let error = await response.text();
    try {
      error = JSON.parse(error);
    } catch {
    }
    return { error, response };
  }
  return {
    request(method, url, init) {
      return coreFetch(url, { ...init, method: method.toUpperCase() });
    },
    /** Call a GET endpoint */
    GET(url, init) {
      return coreFetch(url, { ...init, method: "GET" });
    },
    /** Call a PUT endpoint */
    PUT(url, init) {
      return coreFetch(url, { ...init, method: "PUT" });
    },
    /** Call a POST endpoint */
    POST(url, init) {
      return coreFetch(url, { ...init, method: "POST" });
    },
    /** Call a DELETE endpoint */
    DELETE(url, init) {
      return coreFetch(url, { ...init, method: "DELETE" });
    },
    /** Call a OPTIONS endpoint */
    OPTIONS(url, init) {
      return coreFetch(url, { ...init, method: "OPTIONS" });
    },
    /** Call a HEAD endpoint */
    HEAD(url, init) {
      return coreFetch(url, { ...init, method: "HEAD" });
    },
    /** Call a PATCH endpoint */
    PATCH(url, init) {
      return coreFetch(url, { ...init, method: "PATCH" });
    },
    /** Call a TRACE endpoint */
    TRACE(url, init) {
      return coreFetch(url, { ...init, method: "TRACE" });
    },
    /** Register middleware */
    use(...middleware) {
      for (const m of middleware) {
        if (!m) {
          continue;
        }
        if (typeof m !== "object" || !("onRequest" in m || "onResponse" in m || "onError" in m)) {
          throw new Error("Middleware must be an object with one of `onRequest()`, `onResponse() or `onError()`");
        }
        globalMiddlewares.push(m);
      }
    },
    /** Unregister middleware */
    eject(...middleware) {
      for (const m of middleware) {
        const i = globalMiddlewares.indexOf(m);
        if (i !== -1) {
          globalMiddlewares.splice(i, 1);
        }
      }
    }
  };
}
function serializePrimitiveParam(name, value, options) {
  if (value === void 0 || value === null) {
    return "";
  }
  if (typeof value === "object") {
    throw new Error(
      "Deeply-nested arrays/objects aren’t supported. Provide your own `querySerializer()` to handle these."
    );
  }
  return `${name}=${options?.allowReserved === true ? value : encodeURIComponent(value)}`;
}
function serializeObjectParam(name, value, options) {
  if (!value || typeof value !== "object") {
    return "";
  }
  const values = [];
  const joiner = {
    simple: ",",
    label: ".",
    matrix: ";"
  }[options.style] || "&";
  if (options.style !== "deepObject" && options.explode === false) {
    for (const k in value) {
      values.push(k, options.allowReserved === true ? value[k] : encodeURIComponent(value[k]));
    }
    const final2 = values.join(",");
    switch (options.style) {
      case "form": {
        return `${name}=${final2}`;
      }
      case "label": {
        return `.${final2}`;
      }
      case "matrix": {
        return `;${name}=${final2}`;
      }
      default: {
        return final2;
      }
    }
  }
  for (const k in value) {
    const finalName = options.style === "deepObject" ? `${name}[${k}]` : k;
    values.push(serializePrimitiveParam(finalName, value[k], options));
  }
  const final = values.join(joiner);
  return options.style === "label" || options.style === "matrix" ? `${joiner}${final}` : final;
}
function serializeArrayParam(name, value, options) {
  if (!Array.isArray(value)) {
    return "";
  }
  if (options.explode === false) {
    const joiner2 = { form: ",", spaceDelimited: "%20", pipeDelimited: "|" }[options.style] || ",";
    const final = (options.allowReserved === true ? value : value.map((v) => encodeURIComponent(v))).join(joiner2);
    switch (options.style) {
      case "simple": {
        return final;
      }
      case "label": {
        return `.${final}`;
      }
      case "matrix": {
        return `;${name}=${final}`;
      }
      // case "spaceDelimited":
      // case "pipeDelimited":
      default: {
        return `${name}=${final}`;
      }
    }
  }
  const joiner = { simple: ",", label: ".", matrix: ";" }[options.style] || "&";
  const values = [];
  for (const v of value) {
    if (options.style === "simple" || options.style === "label") {
      values.push(options.allowReserved === true ? v : encodeURIComponent(v));
    } else {
      values.push(serializePrimitiveParam(name, v, options));
    }
  }
  return options.style === "label" || options.style === "matrix" ? `${joiner}${values.join(joiner)}` : values.join(joiner);
}
function createQuerySerializer(options) {
  return function querySerializer(queryParams) {
    const search = [];
    if (queryParams && typeof queryParams === "object") {
      for (const name in queryParams) {
        const value = queryParams[name];
        if (value === void 0 || value === null) {
          continue;
        }
        if (Array.isArray(value)) {
          if (value.length === 0) {
            continue;
          }
          search.push(
            serializeArrayParam(name, value, {
              style: "form",
              explode: true,
              ...options?.array,
              allowReserved: options?.allowReserved || false
            })
          );
          continue;
        }
        if (typeof value === "object") {
          search.push(
            serializeObjectParam(name, value, {
              style: "deepObject",
              explode: true,
              ...options?.object,
              allowReserved: options?.allowReserved || false
            })
          );
          continue;
        }
        search.push(serializePrimitiveParam(name, value, options));
      }
    }
    return search.join("&");
  };
}
function defaultPathSerializer(pathname, pathParams) {
  let nextURL = pathname;
  for (const match of pathname.match(PATH_PARAM_RE) ?? []) {
    let name = match.substring(1, match.length - 1);
    let explode = false;
    let style = "simple";
    if (name.endsWith("*")) {
      explode = true;
      name = name.substring(0, name.length - 1);
    }
    if (name.startsWith(".")) {
      style = "label";
      name = name.substring(1);
    } else if (name.startsWith(";")) {
      style = "matrix";
      name = name.substring(1);
    }
    if (!pathParams || pathParams[name] === void 0 || pathParams[name] === null) {
      continue;
    }
    const value = pathParams[name];
    if (Array.isArray(value)) {
      nextURL = nextURL.replace(match, serializeArrayParam(name, value, { style, explode }));
      continue;
    }
    if (typeof value === "object") {
      nextURL = nextURL.replace(match, serializeObjectParam(name, value, { style, explode }));
      continue;
    }
    if (style === "matrix") {
      nextURL = nextURL.replace(match, `;${serializePrimitiveParam(name, value)}`);
      continue;
    }
    nextURL = nextURL.replace(match, style === "label" ? `.${encodeURIComponent(value)}` : encodeURIComponent(value));
  }
  return nextURL;
}
function defaultBodySerializer(body, headers) {
  if (body instanceof FormData) {
    return body;
  }
  if (headers) {
    const contentType = headers.get instanceof Function ? headers.get("Content-Type") ?? headers.get("content-type") : headers["Content-Type"] ?? headers["content-type"];
    if (contentType === "application/x-www-form-urlencoded") {
      return new URLSearchParams(body).toString();
    }
  }
  return JSON.stringify(body);
}
function createFinalURL(pathname, options) {
  let finalURL = `${options.baseUrl}${pathname}`;
  if (options.params?.path) {
    finalURL = options.pathSerializer(finalURL, options.params.path);
  }
  let search = options.querySerializer(options.params.query ?? {});
  if (search.startsWith("?")) {
    search = search.substring(1);
  }
  if (search) {
    finalURL += `?${search}`;
  }
  return finalURL;
}
function mergeHeaders(...allHeaders) {
  const finalHeaders = new Headers();
  for (const h of allHeaders) {
    if (!h || typeof h !== "object") {
      continue;
    }
    const iterator = h instanceof Headers ? h.entries() : Object.entries(h);
    for (const [k, v] of iterator) {
      if (v === null) {
        finalHeaders.delete(k);
      } else if (Array.isArray(v)) {
        for (const v2 of v) {
          finalHeaders.append(k, v2);
        }
      } else if (v !== void 0) {
        finalHeaders.set(k, v);
      }
    }
  }
  return finalHeaders;
}
function removeTrailingSlash(url) {
  if (url.endsWith("/")) {
    return url.substring(0, url.length - 1);
  }
  return url;
}

// src/client.ts
var CSRF_COOKIE = "pickey_csrf";
var CSRF_HEADER = "X-CSRF-Token";
var SAFE_METHODS = /* @__PURE__ */ new Set(["GET", "HEAD", "OPTIONS"]);
function csrfToken() {
  for (const part of document.cookie.split(";")) {
    const [name, ...value] = part.trim().split("=");
    if (name === CSRF_COOKIE) return decodeURIComponent(value.join("="));
  }
  return "";
}
var csrf = {
  onRequest({ request }) {
    if (!SAFE_METHODS.has(request.method)) request.headers.set(CSRF_HEADER, csrfToken());
    return request;
  }
};
async function loadConfig(configUrl) {
  const response = await fetch(configUrl, { credentials: "include" });
  if (!response.ok) throw new Error(`${configUrl} answered ${response.status}`);
  return await response.json();
}
function originOf(baseUrl) {
  return new URL(baseUrl).origin;
}
function createClients(config) {
  const api = createClient({
    baseUrl: originOf(config.api_base_url),
    credentials: "include"
  });
  const payments = createClient({
    baseUrl: originOf(config.payments_base_url),
    credentials: "include"
  });
  api.use(csrf);
  payments.use(csrf);
  return { api, payments };
}
function describeError(error) {
  const body = error;
  if (body?.error) return { code: body.error.code, message: body.error.message };
  return { code: "network_error", message: "The service could not be reached." };
}
function formatMoney(minorUnits, currency) {
  return new Intl.NumberFormat("cs-CZ", { style: "currency", currency }).format(minorUnits / 100);
}

// src/standin/main.ts
var RETURN_TO = "pickey.returnTo";
var POLL_EVERY_MS = 1500;
var POLL_FOR_MS = 9e4;
var main = document.querySelector("main");
var notice = document.querySelector("#notice");
function escapeHtml(text) {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
function render(html) {
  main.innerHTML = html;
}
function say(message, kind = "info") {
  notice.textContent = message;
  notice.dataset.kind = kind;
}
function formValues(form) {
  const values = {};
  new FormData(form).forEach((value, key) => values[key] = String(value));
  return values;
}
function onSubmit(selector, handler) {
  const form = document.querySelector(selector);
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    say("");
    handler(formValues(form)).catch((error) => say(String(error), "error"));
  });
}
function fail(error) {
  const { code, message } = describeError(error);
  say(code === "email_not_verified" ? `${message} (Open the link in the email we sent you.)` : message, "error");
}
function go(path) {
  window.location.assign(path);
}
var home = async ({ api }) => {
  const { data } = await api.GET("/api/v1/auth/session");
  const who = data ? `<p id="who">Logged in as <b>${escapeHtml(data.user.display_name)}</b> (${escapeHtml(data.user.email)}${data.user.email_verified ? ", verified" : ", email not verified yet"}).</p>` : `<p id="who">Not logged in.</p>`;
  render(`<h1>Pickey (development stand-in)</h1>${who}
    <ul>
      <li><a href="/signup">Sign up</a> · <a href="/login">Log in</a></li>
      <li><a href="/creator/new">Become a creator</a> · <a href="/publish">Publish a post</a></li>
      <li>A creator page: <code>/c/&lt;slug&gt;</code></li>
    </ul>`);
};
var signUp = async ({ api }) => {
  render(`<h1>Sign up</h1>
    <form id="signup-form">
      <label>Email <input name="email" type="email" required></label>
      <label>Name <input name="display_name" required></label>
      <label>Password <input name="password" type="password" required minlength="10"></label>
      <button type="submit">Sign up</button>
    </form>`);
  onSubmit("#signup-form", async (values) => {
    const { data, error } = await api.POST("/api/v1/accounts", {
      body: { email: values.email, display_name: values.display_name, password: values.password }
    });
    if (error) return fail(error);
    render(`<h1>Welcome, ${escapeHtml(data.user.display_name)}</h1>
      <p id="signed-up">You are logged in. We have sent a link to <b>${escapeHtml(data.user.email)}</b>:
      open it to confirm your address (paying and becoming a creator need it).</p>
      <p><a href="/creator/new">Become a creator</a> · <a href="/">Home</a></p>`);
  });
};
var logIn = async ({ api }) => {
  render(`<h1>Log in</h1>
    <form id="login-form">
      <label>Email <input name="email" type="email" required></label>
      <label>Password <input name="password" type="password" required></label>
      <button type="submit">Log in</button>
    </form>`);
  onSubmit("#login-form", async (values) => {
    const { data, error } = await api.POST("/api/v1/auth/login", {
      body: { email: values.email, password: values.password }
    });
    if (error) return fail(error);
    say(`Logged in as ${data.user.display_name}.`);
    go(sessionStorage.getItem(RETURN_TO) ?? "/");
  });
};
var verifyEmail = async ({ api }, params) => {
  const token = params.get("token") ?? "";
  const { error } = await api.POST("/api/v1/auth/email-verification/confirm", { body: { token } });
  if (error) {
    render(`<h1>Email not confirmed</h1><p id="verify" data-state="failed">${escapeHtml(describeError(error).message)}</p>
      <p>Log in and ask for a new link.</p>`);
    return;
  }
  render(`<h1>Email confirmed</h1><p id="verify" data-state="verified">Thank you: your address is confirmed.</p>
    <p><a href="/creator/new">Become a creator</a> · <a href="/">Home</a></p>`);
};
var becomeCreator = async ({ api }) => {
  render(`<h1>Become a creator</h1>
    <form id="creator-form">
      <label>Page address <input name="slug" required pattern="[a-z0-9-]+"></label>
      <label>Name <input name="display_name" required></label>
      <button type="submit">Create my page</button>
    </form>`);
  onSubmit("#creator-form", async (values) => {
    const { data, error } = await api.POST("/api/v1/creators", {
      body: { slug: values.slug, display_name: values.display_name }
    });
    if (error) return fail(error);
    render(`<h1>${escapeHtml(data.display_name)}: your first tier</h1>
      <form id="tier-form">
        <label>Tier name <input name="name" required></label>
        <label>Monthly price (Kč) <input name="price" type="number" min="1" step="1" required></label>
        <button type="submit">Add the tier</button>
      </form>`);
    onSubmit("#tier-form", async (tier) => {
      const created = await api.POST("/api/v1/creators/me/tiers", {
        body: { name: tier.name, price_amount: Math.round(Number(tier.price) * 100), currency: "CZK" }
      });
      if (created.error) return fail(created.error);
      say(`Tier ${created.data.name} for ${formatMoney(created.data.price_amount, created.data.currency)} is open.`);
      go("/publish");
    });
  });
};
var publish = async ({ api }) => {
  const { data: tiers, error } = await api.GET("/api/v1/creators/me/tiers");
  if (error) return fail(error);
  const options = tiers.filter((tier) => !tier.archived).map((tier) => `<option value="${tier.id}">Members of ${escapeHtml(tier.name)} (${formatMoney(tier.price_amount, tier.currency)})</option>`).join("");
  render(`<h1>Publish a post</h1>
    <form id="post-form">
      <label>Title <input name="title" required></label>
      <label>Text <textarea name="body" rows="5"></textarea></label>
      <label>Who may read it <select name="access"><option value="public">Everyone</option>${options}</select></label>
      <button type="submit">Publish</button>
    </form>`);
  onSubmit("#post-form", async (values) => {
    const members = values.access !== "public";
    const draft = await api.POST("/api/v1/posts", {
      body: {
        kind: "text",
        title: values.title,
        body: values.body ?? "",
        access: members ? "members" : "public",
        tier_ids: members ? [values.access] : []
      }
    });
    if (draft.error) return fail(draft.error);
    const published = await api.POST("/api/v1/posts/{post_id}/publish", {
      params: { path: { post_id: draft.data.id } }
    });
    if (published.error) return fail(published.error);
    go(`/posts/${draft.data.id}`);
  });
};
async function checkout(clients, tierId, returnTo) {
  const { data, error } = await clients.payments.POST("/payments/v1/checkouts", {
    body: { kind: "membership", tier_id: tierId }
  });
  if (error) {
    if (describeError(error).code === "not_authenticated") {
      sessionStorage.setItem(RETURN_TO, returnTo);
      return go("/login");
    }
    return fail(error);
  }
  sessionStorage.setItem(RETURN_TO, returnTo);
  go(data.redirect_url);
}
function bindJoinButtons(clients, returnTo) {
  for (const button of document.querySelectorAll("button[data-tier-id]")) {
    button.addEventListener("click", () => {
      button.disabled = true;
      checkout(clients, button.dataset.tierId, returnTo).catch((error) => say(String(error), "error")).finally(() => button.disabled = false);
    });
  }
}
var creatorPage = async (clients, _params, [slug = ""]) => {
  const page = await clients.api.GET("/api/v1/creators/{slug}", { params: { path: { slug } } });
  if (page.error) return fail(page.error);
  const posts = await clients.api.GET("/api/v1/creators/{slug}/posts", { params: { path: { slug } } });
  const { profile, tiers, viewer } = page.data;
  const tierList = tiers.map((tier) => {
    const mine = viewer?.tier_id === tier.id;
    const action = mine ? "<b>your tier</b>" : viewer?.is_owner ? "" : `<button data-tier-id="${tier.id}">Join for ${formatMoney(tier.price_amount, tier.currency)} a month</button>`;
    return `<li class="tier">${escapeHtml(tier.name)}: ${formatMoney(tier.price_amount, tier.currency)} ${action}</li>`;
  }).join("");
  const postList = (posts.data?.items ?? []).map((post) => `<li><a href="/posts/${post.id}">${escapeHtml(post.title)}</a>${post.viewer_access === "teaser" ? " (members only)" : ""}</li>`).join("");
  render(`<h1 id="creator-name">${escapeHtml(profile.display_name)}</h1><p>${escapeHtml(profile.bio)}</p>
    <h2>Tiers</h2><ul id="tiers">${tierList || "<li>No tiers yet.</li>"}</ul>
    <h2>Posts</h2><ul id="posts">${postList || "<li>No posts yet.</li>"}</ul>`);
  bindJoinButtons(clients, `/c/${slug}`);
};
var readPost = async (clients, _params, [postId = ""]) => {
  const { data, error } = await clients.api.GET("/api/v1/posts/{post_id}", { params: { path: { post_id: postId } } });
  if (error) return fail(error);
  const back = `<p><a id="creator-link" href="/c/${data.creator.slug}">${escapeHtml(data.creator.display_name)}</a></p>`;
  if (data.viewer_access === "teaser") {
    const join = data.unlocking_tiers.map((tier) => `<button data-tier-id="${tier.id}">Join ${escapeHtml(tier.name)} for ${formatMoney(tier.price_amount, tier.currency)}</button>`).join(" ");
    render(`<h1>${escapeHtml(data.title)}</h1>${back}<p id="teaser">This post is for members. ${join}</p>`);
    bindJoinButtons(clients, `/posts/${postId}`);
    return;
  }
  render(`<h1>${escapeHtml(data.title)}</h1>${back}<div id="post-body">${escapeHtml(data.body ?? "")}</div>`);
};
var OUTCOME_TEXT = {
  paid: { title: "Paid: thank you!", next: "Your membership is active. Go on to what you paid for:" },
  failed: { title: "Payment failed", next: "The bank declined the card; nothing was charged. Try again, perhaps with another card:" },
  cancelled: { title: "Payment cancelled", next: "You cancelled the payment; nothing was charged. You can start again:" },
  pending: { title: "Waiting for the bank…", next: "This usually takes a few seconds. You may leave: we will email you once it is settled." },
  error: { title: "We could not confirm this payment", next: "If money left your account it will be matched or refunded automatically. Start again or write to podpora@pickey.cz:" }
};
function showOutcome(outcome, payment, detail = "") {
  const text = OUTCOME_TEXT[outcome] ?? OUTCOME_TEXT.error;
  const returnTo = sessionStorage.getItem(RETURN_TO) ?? "/";
  const amount = payment ? `<p>${formatMoney(payment.amount, payment.currency)} · order ${escapeHtml(payment.order_number)}</p>` : "";
  const link = outcome === "pending" ? "" : `<p><a id="continue" href="${escapeHtml(returnTo)}">Continue</a></p>`;
  render(`<h1 id="outcome" data-outcome="${outcome}">${text.title}</h1>${amount}
    <p id="next">${text.next}</p>${detail ? `<p class="detail">${escapeHtml(detail)}</p>` : ""}${link}`);
}
var paymentResult = async ({ payments }, params) => {
  const paymentId = params.get("payment_id");
  if (params.get("outcome") === "error" || !paymentId) {
    return showOutcome("error", null, `Reason: ${params.get("error") ?? "no payment id"}.`);
  }
  const started = Date.now();
  for (; ; ) {
    const { data, error } = await payments.GET("/payments/v1/payments/{payment_id}", {
      params: { path: { payment_id: paymentId } }
    });
    if (error) {
      const { code, message } = describeError(error);
      return showOutcome("error", null, code === "not_authenticated" ? "Log in to see this payment." : message);
    }
    showOutcome(data.outcome, data);
    if (data.outcome !== "pending" || Date.now() - started > POLL_FOR_MS) return;
    await new Promise((resolve) => setTimeout(resolve, POLL_EVERY_MS));
  }
};
var ROUTES = [
  [/^\/$/, home],
  [/^\/signup$/, signUp],
  [/^\/login$/, logIn],
  [/^\/verify-email$/, verifyEmail],
  [/^\/creator\/new$/, becomeCreator],
  [/^\/publish$/, publish],
  [/^\/c\/([a-z0-9-]+)$/, creatorPage],
  [/^\/posts\/([0-9a-f-]{36})$/, readPost],
  [/^\/payments\/result$/, paymentResult]
];
async function start() {
  const configUrl = document.querySelector('meta[name="pickey-config-url"]').content;
  const clients = createClients(await loadConfig(configUrl));
  for (const [pattern, page] of ROUTES) {
    const match = pattern.exec(window.location.pathname);
    if (match) {
      await page(clients, new URLSearchParams(window.location.search), match.slice(1));
      document.body.dataset.ready = "true";
      return;
    }
  }
  render(`<h1>Not found</h1><p>No page at ${escapeHtml(window.location.pathname)}. <a href="/">Home</a></p>`);
  document.body.dataset.ready = "true";
}
start().catch((error) => {
  say(`The stand-in could not start: ${String(error)}`, "error");
  document.body.dataset.ready = "true";
});
