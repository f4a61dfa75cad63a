// The development web stand-in: a few plain pages on the SPA's origin that walk a newcomer
// through sign-up, becoming a creator, publishing, paying and reading, through the typed
// client. It stands in for the Vue SPA in `just dev` and the browser tests; it is not a product.
import {
  type Clients,
  createClients,
  describeError,
  formatMoney,
  loadConfig,
  type PaymentRead,
} from "../client";

type Page = (clients: Clients, params: URLSearchParams, match: string[]) => Promise<void>;

const RETURN_TO = "pickey.returnTo";
const POLL_EVERY_MS = 1500;
const POLL_FOR_MS = 90_000;

const main = document.querySelector<HTMLElement>("main")!;
const notice = document.querySelector<HTMLElement>("#notice")!;

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

function render(html: string): void {
  main.innerHTML = html;
}

function say(message: string, kind: "info" | "error" = "info"): void {
  notice.textContent = message;
  notice.dataset.kind = kind;
}

function formValues(form: HTMLFormElement): Record<string, string> {
  const values: Record<string, string> = {};
  new FormData(form).forEach((value, key) => (values[key] = String(value)));
  return values;
}

function onSubmit(selector: string, handler: (values: Record<string, string>) => Promise<void>): void {
  const form = document.querySelector<HTMLFormElement>(selector)!;
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    say("");
    handler(formValues(form)).catch((error: unknown) => say(String(error), "error"));
  });
}

function fail(error: unknown): void {
  const { code, message } = describeError(error);
  say(code === "email_not_verified" ? `${message} (Open the link in the email we sent you.)` : message, "error");
}

function go(path: string): void {
  window.location.assign(path);
}

const home: Page = async ({ api }) => {
  const { data } = await api.GET("/api/v1/auth/session");
  const who = data
    ? `<p id="who">Logged in as <b>${escapeHtml(data.user.display_name)}</b> (${escapeHtml(data.user.email)}${data.user.email_verified ? ", verified" : ", email not verified yet"}).</p>`
    : `<p id="who">Not logged in.</p>`;
  render(`<h1>Pickey (development stand-in)</h1>${who}
    <ul>
      <li><a href="/signup">Sign up</a> · <a href="/login">Log in</a></li>
      <li><a href="/creator/new">Become a creator</a> · <a href="/publish">Publish a post</a></li>
      <li>A creator page: <code>/c/&lt;slug&gt;</code></li>
    </ul>`);
};

const signUp: Page = async ({ api }) => {
  render(`<h1>Sign up</h1>
    <form id="signup-form">
      <label>Email <input name="email" type="email" required></label>
      <label>Name <input name="display_name" required></label>
      <label>Password <input name="password" type="password" required minlength="10"></label>
      <button type="submit">Sign up</button>
    </form>`);
  onSubmit("#signup-form", async (values) => {
    const { data, error } = await api.POST("/api/v1/accounts", {
      body: { email: values.email!, display_name: values.display_name!, password: values.password! },
    });
    if (error) return fail(error);
    render(`<h1>Welcome, ${escapeHtml(data.user.display_name)}</h1>
      <p id="signed-up">You are logged in. We have sent a link to <b>${escapeHtml(data.user.email)}</b>:
      open it to confirm your address (paying and becoming a creator need it).</p>
      <p><a href="/creator/new">Become a creator</a> · <a href="/">Home</a></p>`);
  });
};

const logIn: Page = async ({ api }) => {
  render(`<h1>Log in</h1>
    <form id="login-form">
      <label>Email <input name="email" type="email" required></label>
      <label>Password <input name="password" type="password" required></label>
      <button type="submit">Log in</button>
    </form>`);
  onSubmit("#login-form", async (values) => {
    const { data, error } = await api.POST("/api/v1/auth/login", {
      body: { email: values.email!, password: values.password! },
    });
    if (error) return fail(error);
    say(`Logged in as ${data.user.display_name}.`);
    go(sessionStorage.getItem(RETURN_TO) ?? "/");
  });
};

const verifyEmail: Page = async ({ api }, params) => {
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

const becomeCreator: Page = async ({ api }) => {
  render(`<h1>Become a creator</h1>
    <form id="creator-form">
      <label>Page address <input name="slug" required pattern="[a-z0-9-]+"></label>
      <label>Name <input name="display_name" required></label>
      <button type="submit">Create my page</button>
    </form>`);
  onSubmit("#creator-form", async (values) => {
    const { data, error } = await api.POST("/api/v1/creators", {
      body: { slug: values.slug!, display_name: values.display_name! },
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
        body: { name: tier.name!, price_amount: Math.round(Number(tier.price) * 100), currency: "CZK" },
      });
      if (created.error) return fail(created.error);
      say(`Tier ${created.data.name} for ${formatMoney(created.data.price_amount, created.data.currency)} is open.`);
      go("/publish");
    });
  });
};

const publish: Page = async ({ api }) => {
  const { data: tiers, error } = await api.GET("/api/v1/creators/me/tiers");
  if (error) return fail(error);
  const options = tiers
    .filter((tier) => !tier.archived)
    .map((tier) => `<option value="${tier.id}">Members of ${escapeHtml(tier.name)} (${formatMoney(tier.price_amount, tier.currency)})</option>`)
    .join("");
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
        title: values.title!,
        body: values.body ?? "",
        access: members ? "members" : "public",
        tier_ids: members ? [values.access!] : [],
      },
    });
    if (draft.error) return fail(draft.error);
    const published = await api.POST("/api/v1/posts/{post_id}/publish", {
      params: { path: { post_id: draft.data.id } },
    });
    if (published.error) return fail(published.error);
    go(`/posts/${draft.data.id}`);
  });
};

async function checkout(clients: Clients, tierId: string, returnTo: string): Promise<void> {
  const { data, error } = await clients.payments.POST("/payments/v1/checkouts", {
    body: { kind: "membership", tier_id: tierId },
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

function bindJoinButtons(clients: Clients, returnTo: string): void {
  for (const button of document.querySelectorAll<HTMLButtonElement>("button[data-tier-id]")) {
    button.addEventListener("click", () => {
      button.disabled = true;
      checkout(clients, button.dataset.tierId!, returnTo)
        .catch((error: unknown) => say(String(error), "error"))
        .finally(() => (button.disabled = false));
    });
  }
}

const creatorPage: Page = async (clients, _params, [slug = ""]) => {
  const page = await clients.api.GET("/api/v1/creators/{slug}", { params: { path: { slug } } });
  if (page.error) return fail(page.error);
  const posts = await clients.api.GET("/api/v1/creators/{slug}/posts", { params: { path: { slug } } });
  const { profile, tiers, viewer } = page.data;
  const tierList = tiers
    .map((tier) => {
      const mine = viewer?.tier_id === tier.id;
      const action = mine
        ? "<b>your tier</b>"
        : viewer?.is_owner
          ? ""
          : `<button data-tier-id="${tier.id}">Join for ${formatMoney(tier.price_amount, tier.currency)} a month</button>`;
      return `<li class="tier">${escapeHtml(tier.name)}: ${formatMoney(tier.price_amount, tier.currency)} ${action}</li>`;
    })
    .join("");
  const postList = (posts.data?.items ?? [])
    .map((post) => `<li><a href="/posts/${post.id}">${escapeHtml(post.title)}</a>${post.viewer_access === "teaser" ? " (members only)" : ""}</li>`)
    .join("");
  render(`<h1 id="creator-name">${escapeHtml(profile.display_name)}</h1><p>${escapeHtml(profile.bio)}</p>
    <h2>Tiers</h2><ul id="tiers">${tierList || "<li>No tiers yet.</li>"}</ul>
    <h2>Posts</h2><ul id="posts">${postList || "<li>No posts yet.</li>"}</ul>`);
  bindJoinButtons(clients, `/c/${slug}`);
};

const readPost: Page = async (clients, _params, [postId = ""]) => {
  const { data, error } = await clients.api.GET("/api/v1/posts/{post_id}", { params: { path: { post_id: postId } } });
  if (error) return fail(error);
  const back = `<p><a id="creator-link" href="/c/${data.creator.slug}">${escapeHtml(data.creator.display_name)}</a></p>`;
  if (data.viewer_access === "teaser") {
    const join = data.unlocking_tiers
      .map((tier) => `<button data-tier-id="${tier.id}">Join ${escapeHtml(tier.name)} for ${formatMoney(tier.price_amount, tier.currency)}</button>`)
      .join(" ");
    render(`<h1>${escapeHtml(data.title)}</h1>${back}<p id="teaser">This post is for members. ${join}</p>`);
    bindJoinButtons(clients, `/posts/${postId}`);
    return;
  }
  render(`<h1>${escapeHtml(data.title)}</h1>${back}<div id="post-body">${escapeHtml(data.body ?? "")}</div>`);
};

const OUTCOME_TEXT: Record<string, { title: string; next: string }> = {
  paid: { title: "Paid: thank you!", next: "Your membership is active. Go on to what you paid for:" },
  failed: { title: "Payment failed", next: "The bank declined the card; nothing was charged. Try again, perhaps with another card:" },
  cancelled: { title: "Payment cancelled", next: "You cancelled the payment; nothing was charged. You can start again:" },
  pending: { title: "Waiting for the bank…", next: "This usually takes a few seconds. You may leave: we will email you once it is settled." },
  error: { title: "We could not confirm this payment", next: "If money left your account it will be matched or refunded automatically. Start again or write to podpora@pickey.cz:" },
};

function showOutcome(outcome: string, payment: PaymentRead | null, detail = ""): void {
  const text = OUTCOME_TEXT[outcome] ?? OUTCOME_TEXT.error!;
  const returnTo = sessionStorage.getItem(RETURN_TO) ?? "/";
  const amount = payment ? `<p>${formatMoney(payment.amount, payment.currency)} · order ${escapeHtml(payment.order_number)}</p>` : "";
  const link = outcome === "pending" ? "" : `<p><a id="continue" href="${escapeHtml(returnTo)}">Continue</a></p>`;
  render(`<h1 id="outcome" data-outcome="${outcome}">${text.title}</h1>${amount}
    <p id="next">${text.next}</p>${detail ? `<p class="detail">${escapeHtml(detail)}</p>` : ""}${link}`);
}

const paymentResult: Page = async ({ payments }, params) => {
  // The query says what the gateway answered; the page believes only the payment itself.
  const paymentId = params.get("payment_id");
  if (params.get("outcome") === "error" || !paymentId) {
    return showOutcome("error", null, `Reason: ${params.get("error") ?? "no payment id"}.`);
  }
  const started = Date.now();
  for (;;) {
    const { data, error } = await payments.GET("/payments/v1/payments/{payment_id}", {
      params: { path: { payment_id: paymentId } },
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

const ROUTES: [RegExp, Page][] = [
  [/^\/$/, home],
  [/^\/signup$/, signUp],
  [/^\/login$/, logIn],
  [/^\/verify-email$/, verifyEmail],
  [/^\/creator\/new$/, becomeCreator],
  [/^\/publish$/, publish],
  [/^\/c\/([a-z0-9-]+)$/, creatorPage],
  [/^\/posts\/([0-9a-f-]{36})$/, readPost],
  [/^\/payments\/result$/, paymentResult],
];

async function start(): Promise<void> {
  const configUrl = document.querySelector<HTMLMetaElement>('meta[name="pickey-config-url"]')!.content;
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

start().catch((error: unknown) => {
  say(`The stand-in could not start: ${String(error)}`, "error");
  document.body.dataset.ready = "true";
});
