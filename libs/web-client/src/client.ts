// The typed client of the Pickey services for the web app: openapi-fetch over the types that
// `just client` generates from each service's OpenAPI document. A route, a field or an error
// code that the backend changes makes the SPA's code stop compiling (`just client-check`).
import createClient, { type Middleware } from "openapi-fetch";
import type { components as ApiComponents, paths as ApiPaths } from "./generated/api";
import type { components as PaymentsComponents, paths as PaymentsPaths } from "./generated/payments";

export type RuntimeConfig = ApiComponents["schemas"]["RuntimeConfig"];
export type ErrorBody = ApiComponents["schemas"]["ErrorBody"];
export type PaymentRead = PaymentsComponents["schemas"]["PaymentRead"];

const CSRF_COOKIE = "pickey_csrf";
const CSRF_HEADER = "X-CSRF-Token";
const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);

/** The session's CSRF token from its readable cookie. Read on every write: becoming a creator or
 * changing the password replaces the session, and with it the token. */
export function csrfToken(): string {
  for (const part of document.cookie.split(";")) {
    const [name, ...value] = part.trim().split("=");
    if (name === CSRF_COOKIE) return decodeURIComponent(value.join("="));
  }
  return "";
}

const csrf: Middleware = {
  onRequest({ request }) {
    if (!SAFE_METHODS.has(request.method)) request.headers.set(CSRF_HEADER, csrfToken());
    return request;
  },
};

/** The SPA's runtime configuration (`/config.json`, served by the api). */
export async function loadConfig(configUrl: string): Promise<RuntimeConfig> {
  const response = await fetch(configUrl, { credentials: "include" });
  if (!response.ok) throw new Error(`${configUrl} answered ${response.status}`);
  return (await response.json()) as RuntimeConfig;
}

/** Paths in the documents are absolute (`/api/v1/...`), so each client is rooted at the
 * service's origin. In production that is the web app's own host (one host, a path per
 * service); in development another port of the same host name, allowed by CORS. */
function originOf(baseUrl: string): string {
  return new URL(baseUrl).origin;
}

export function createClients(config: RuntimeConfig) {
  const api = createClient<ApiPaths>({
    baseUrl: originOf(config.api_base_url),
    credentials: "include",
  });
  const payments = createClient<PaymentsPaths>({
    baseUrl: originOf(config.payments_base_url),
    credentials: "include",
  });
  api.use(csrf);
  payments.use(csrf);
  return { api, payments };
}

export type Clients = ReturnType<typeof createClients>;

/** The error code and message of a failed call, whatever went wrong. */
export function describeError(error: unknown): { code: string; message: string } {
  const body = error as Partial<ErrorBody> | undefined;
  if (body?.error) return { code: body.error.code, message: body.error.message };
  return { code: "network_error", message: "The service could not be reached." };
}

/** Minor units as Czech people write money: 9900 CZK → "99,00 Kč". */
export function formatMoney(minorUnits: number, currency: string): string {
  return new Intl.NumberFormat("cs-CZ", { style: "currency", currency }).format(minorUnits / 100);
}
