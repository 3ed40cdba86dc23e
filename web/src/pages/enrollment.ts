import { ApiFailure, callApi } from "../api";
import { apiPath } from "../api-paths";
import type { App } from "../app";
import { busy, field, h, markInvalid, messageArea, showMessage, valuesOf } from "../dom";
import { currentLanguage, t } from "../i18n";

/**
 * Enrollment, one step after the other on the same address: verify the account (either form),
 * the step-up code when the API asks for one (202), the e-mail and password, then "check your
 * mailbox". The tokens of the steps live in this module only, never in the address or storage.
 */
type Step =
  | { name: "verify" }
  | { name: "code"; challengeId: string }
  | { name: "profile"; verificationToken: string }
  | { name: "mailbox"; email: string };

let step: Step = { name: "verify" };

export function enrollmentPage(app: App): void {
  switch (step.name) {
    case "verify":
      verifyStep(app);
      break;
    case "code":
      codeStep(app, step.challengeId);
      break;
    case "profile":
      profileStep(app, step.verificationToken);
      break;
    case "mailbox":
      mailboxStep(app, step.email);
      break;
  }
}

/** Starts the enrollment over (the menu's "Inscription"). */
export function restartEnrollment(): void {
  step = { name: "verify" };
}

function moveTo(app: App, next: Step): void {
  step = next;
  enrollmentPage(app);
}

interface VerificationAnswer {
  verificationToken?: string;
  challengeId?: string;
}

/** Sends a verification or a code; 200 leads to the profile step, 202 to the code step. */
async function verify(app: App, path: string, body: unknown): Promise<void> {
  const answer = await callApi<VerificationAnswer>(app.config, "POST", path, { body });
  if (answer.status === 202 && answer.body.challengeId) {
    moveTo(app, { name: "code", challengeId: answer.body.challengeId });
  } else if (answer.body.verificationToken) {
    moveTo(app, { name: "profile", verificationToken: answer.body.verificationToken });
  }
}

/** A form whose failure shows the API's message (and when to try again) above its button. */
function apiForm(
  label: string,
  fields: HTMLElement[],
  button: string,
  submit: (values: Record<string, string>) => Promise<void>,
): HTMLFormElement {
  const message = messageArea();
  const form = h(
    "form",
    // POST: were the script ever to fail, the values would not end up in an address.
    { "aria-label": label, method: "post", novalidate: true },
    ...fields,
    message,
    h("button", {}, button),
  );
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    void busy(form, async () => {
      showMessage(message, "", "info");
      try {
        await submit(valuesOf(form));
      } catch (error) {
        const failure = error instanceof ApiFailure ? error : undefined;
        markInvalid(form, failure?.fields ?? []);
        showMessage(message, failure ? failure.describe() : String(error), "error");
      }
    });
  });
  return form;
}

function customerNumberField(): HTMLElement {
  return field({
    name: "customerNumber",
    label: t().customerNumber,
    help: t().customerNumberHelp,
    inputmode: "numeric",
    pattern: "[0-9]{7}",
    maxlength: 7,
  });
}

function verifyStep(app: App): void {
  const text = t();
  const path = apiPath("verifications", "POST");
  const withBill = apiForm(
    text.withBillTitle,
    [
      customerNumberField(),
      field({
        name: "accessCode",
        label: text.accessCode,
        help: text.accessCodeHelp,
        inputmode: "numeric",
        pattern: "[0-9]{5}",
        maxlength: 5,
      }),
    ],
    text.verify,
    (v) => verify(app, path, { method: "bill", customerNumber: v.customerNumber, accessCode: v.accessCode }),
  );
  const withoutBill = apiForm(
    text.withoutBillTitle,
    [
      customerNumberField(),
      field({
        name: "phone",
        label: text.phone,
        help: text.phoneHelp,
        type: "tel",
        inputmode: "numeric",
        autocomplete: "tel-national",
      }),
      field({
        name: "postalCode",
        label: text.postalCode,
        help: text.postalCodeHelp,
        autocomplete: "postal-code",
        maxlength: 7,
      }),
      field({
        name: "lastDebitAmount",
        label: text.lastDebitAmount,
        help: text.lastDebitAmountHelp,
        inputmode: "decimal",
      }),
    ],
    text.verify,
    (v) =>
      verify(app, path, {
        method: "account",
        customerNumber: v.customerNumber,
        phone: v.phone,
        postalCode: v.postalCode,
        lastDebitAmount: v.lastDebitAmount,
      }),
  );
  app.show(
    h("h1", {}, text.enrollTitle),
    ...text.enrollIntro.map((p) => h("p", {}, p)),
    h("p", {}, text.enrollHelp(app.config.supportPhone)),
    h(
      "div",
      { class: "columns" },
      h(
        "section",
        { "aria-labelledby": "with-bill" },
        h("h2", { id: "with-bill" }, text.withBillTitle),
        h("p", {}, text.withBillIntro),
        withBill,
      ),
      h(
        "section",
        { "aria-labelledby": "without-bill" },
        h("h2", { id: "without-bill" }, text.withoutBillTitle),
        h("p", {}, text.withoutBillIntro),
        withoutBill,
      ),
    ),
  );
}

function codeStep(app: App, challengeId: string): void {
  const text = t();
  const form = apiForm(
    text.codeTitle,
    [
      field({
        name: "code",
        label: text.code,
        help: text.codeHelp,
        inputmode: "numeric",
        autocomplete: "one-time-code",
        pattern: "[0-9]{6}",
        maxlength: 6,
      }),
    ],
    text.submitCode,
    (v) => verify(app, apiPath("verifications", "POST", { challengeId }), { code: v.code }),
  );
  app.show(h("h1", {}, text.codeTitle), h("p", {}, text.codeIntro), form);
}

function profileStep(app: App, verificationToken: string): void {
  const text = t();
  const form = apiForm(
    text.profileTitle,
    [
      field({ name: "email", label: text.email, help: text.emailHelp, type: "email", autocomplete: "email" }),
      field({
        name: "password",
        label: text.password,
        help: text.passwordHelp,
        type: "password",
        autocomplete: "new-password",
        minlength: 10,
      }),
    ],
    text.createProfile,
    async (v) => {
      const body = { verificationToken, email: v.email, password: v.password, language: currentLanguage() };
      await callApi(app.config, "POST", apiPath("enrollments", "POST"), { body });
      moveTo(app, { name: "mailbox", email: v.email ?? "" });
    },
  );
  app.show(h("h1", {}, text.profileTitle), h("p", {}, text.profileIntro), form);
}

function mailboxStep(app: App, email: string): void {
  const text = t();
  app.show(h("h1", {}, text.mailboxTitle), h("p", { class: "message success" }, text.mailbox(email)));
}
