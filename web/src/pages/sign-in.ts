import type { App } from "../app";
import { busy, field, h, messageArea, showMessage, valuesOf } from "../dom";
import { t } from "../i18n";
import { pagePaths } from "../pages";

export function signInPage(app: App): void {
  const text = t();
  const message = messageArea();
  const form = h(
    "form",
    { "aria-label": text.signInTitle, method: "post", novalidate: true },
    field({ name: "email", label: text.email, type: "email", autocomplete: "username" }),
    field({ name: "password", label: text.password, type: "password", autocomplete: "current-password" }),
    message,
    h("button", {}, text.signIn),
  );
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    void busy(form, async () => {
      const values = valuesOf(form);
      try {
        await app.session.signIn(values.email ?? "", values.password ?? "");
        app.go("account");
      } catch {
        // Cognito's own message is English only and says nothing more useful than this.
        showMessage(message, text.signInFailed, "error");
      }
    });
  });
  app.show(
    h("h1", {}, text.signInTitle),
    form,
    h(
      "p",
      {},
      `${text.notEnrolled} `,
      h("a", { href: pagePaths.enrollment, "data-page": "enrollment" }, text.navEnroll),
    ),
  );
}
