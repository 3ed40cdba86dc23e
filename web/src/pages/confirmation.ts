import { confirmationPage } from "../../../lambdas/definitions/web-pages";
import { ApiFailure, callApi } from "../api";
import { apiPath } from "../api-paths";
import type { App } from "../app";
import { h } from "../dom";
import { t } from "../i18n";
import { pagePaths } from "../pages";

/**
 * The confirmation link's page (`/confirmation?token=`). The token is read once and removed from
 * the address bar at once (history, bookmarks and screen shares never show it); the server sends
 * `Referrer-Policy: no-referrer` so that no request carries the address meanwhile.
 */
let token: string | undefined;
let outcome: { ok: true } | { ok: false; message: string } | undefined;

/** Called first thing, before any request: takes the token out of the address. */
export function takeConfirmationToken(): void {
  const url = new URL(location.href);
  if (url.pathname !== confirmationPage.path) return;
  token = url.searchParams.get(confirmationPage.tokenParameter) ?? undefined;
  if (token !== undefined) history.replaceState(null, "", confirmationPage.path);
}

export async function confirmationPageView(app: App): Promise<void> {
  const text = t();
  if (outcome === undefined && token !== undefined) {
    app.show(h("h1", {}, text.confirmTitle), h("p", { role: "status" }, text.confirming));
    const body = { token };
    token = undefined;
    try {
      await callApi(app.config, "POST", apiPath("confirmation", "POST"), { body });
      outcome = { ok: true };
    } catch (error) {
      outcome = { ok: false, message: error instanceof ApiFailure ? error.describe() : String(error) };
    }
  }
  const result =
    outcome === undefined
      ? h("p", { class: "message error", role: "alert" }, text.confirmNoToken)
      : outcome.ok
        ? h("p", { class: "message success", role: "status" }, text.confirmed)
        : h("p", { class: "message error", role: "alert" }, outcome.message);
  app.show(
    h("h1", {}, text.confirmTitle),
    result,
    h("p", {}, h("a", { href: pagePaths.signIn, "data-page": "signIn" }, text.goSignIn)),
  );
}
