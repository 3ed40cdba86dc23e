import type * as z from "zod";
import type {
  billResponse,
  billsResponse,
  contractResponse,
  meResponse,
} from "../../../lambdas/definitions/schemas";
import { ApiFailure, callApi } from "../api";
import { apiPath } from "../api-paths";
import type { App } from "../app";
import { h, messageArea, showMessage } from "../dom";
import { longDate, money, t } from "../i18n";

type Me = z.output<typeof meResponse>;
type Bills = z.output<typeof billsResponse>;
type Bill = z.output<typeof billResponse>;
type Contract = z.output<typeof contractResponse>;

/** Calls the API as the signed-in customer; a refused session sends them back to sign-in. */
async function asCustomer<T>(app: App, method: string, path: string, body?: unknown): Promise<T> {
  const token = await app.session.accessToken();
  if (!token) throw new SignedOut();
  try {
    return (await callApi<T>(app.config, method, path, { token, ...(body === undefined ? {} : { body }) }))
      .body;
  } catch (error) {
    if (error instanceof ApiFailure && error.status === 401) throw new SignedOut();
    throw error;
  }
}

class SignedOut extends Error {}

function failureText(error: unknown): string {
  return error instanceof ApiFailure ? error.describe() : String(error);
}

/**
 * The signed-in customer's page: profile and billing choice, bills (newest first, a page at a
 * time, each printable), contract, data export, closing the profile.
 */
export async function accountPage(app: App): Promise<void> {
  const text = t();
  if (!(await app.session.accessToken())) return app.go("signIn");
  app.show(h("h1", {}, text.accountTitle), h("p", { role: "status" }, text.loading));
  try {
    const me = await asCustomer<Me>(app, "GET", apiPath("me", "GET"));
    app.show(
      h("h1", {}, text.accountTitle),
      profileSection(app, me),
      await billsSection(app),
      await contractSection(app),
      exportSection(app, me),
      closeSection(app),
    );
  } catch (error) {
    if (error instanceof SignedOut) return app.go("signIn", text.sessionEnded);
    app.show(
      h("h1", {}, text.accountTitle),
      h("p", { class: "message error", role: "alert" }, failureText(error)),
    );
  }
}

/** Runs a customer's action, showing its failure (or the sign-in page when the session ended). */
function action(app: App, message: HTMLElement, work: () => Promise<void>): () => void {
  return () => {
    work().catch((error: unknown) => {
      if (error instanceof SignedOut) app.go("signIn", t().sessionEnded);
      else showMessage(message, failureText(error), "error");
    });
  };
}

function section(id: string, title: string, ...content: (Node | null)[]): HTMLElement {
  return h("section", { "aria-labelledby": id }, h("h2", { id }, title), ...content);
}

function profileSection(app: App, me: Me): HTMLElement {
  const text = t();
  const message = messageArea();
  const choice = (value: Me["billing"], label: string) =>
    h(
      "label",
      { class: "choice" },
      h("input", { type: "radio", name: "billing", value, checked: me.billing === value }),
      ` ${label}`,
    );
  const form = h(
    "form",
    { "aria-label": text.billingPreference },
    h(
      "fieldset",
      {},
      h("legend", {}, text.billingPreference),
      choice("electronic", text.billingElectronic),
      choice("paper", text.billingPaper),
    ),
    message,
    h("button", {}, text.saveBilling),
  );
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const billing = new FormData(form).get("billing") === "paper" ? "paper" : "electronic";
    action(app, message, async () => {
      const updated = await asCustomer<Me>(app, "PATCH", apiPath("me", "PATCH"), { billing });
      showMessage(message, text.billingSaved(updated.billing === "electronic"), "success");
    })();
  });
  return section(
    "profile",
    text.profileSection,
    h(
      "dl",
      {},
      h("dt", {}, text.customerLabel),
      h("dd", {}, me.customerNumber),
      h("dt", {}, text.emailLabel),
      h("dd", {}, me.email),
      h("dt", {}, text.languageLabel),
      h("dd", {}, me.language === "en" ? "English" : "Français"),
    ),
    form,
  );
}

async function billsSection(app: App): Promise<HTMLElement> {
  const text = t();
  const message = messageArea();
  const rows = h("tbody");
  const table = h(
    "table",
    {},
    h("caption", { class: "visually-hidden" }, text.billsSection),
    h(
      "thead",
      {},
      h(
        "tr",
        {},
        ...[text.billingDate, text.dueDate, text.amountDue, text.balance, text.document].map((c) =>
          h("th", { scope: "col" }, c),
        ),
      ),
    ),
    rows,
  );
  const more = h("button", { type: "button", hidden: true }, text.moreBills);
  let next: string | null = null;
  const load = async () => {
    const query = next ? `?next=${encodeURIComponent(next)}` : "";
    const page = await asCustomer<Bills>(app, "GET", `${apiPath("meBills", "GET")}${query}`);
    for (const bill of page.bills) rows.append(billRow(app, bill, message));
    next = page.next;
    more.hidden = next === null;
  };
  more.addEventListener("click", action(app, message, load));
  await load();
  if (rows.children.length === 0) return section("bills", text.billsSection, h("p", {}, text.noBills));
  return section("bills", text.billsSection, h("div", { class: "table" }, table), more, message);
}

function billRow(app: App, bill: Bills["bills"][number], message: HTMLElement): HTMLTableRowElement {
  const text = t();
  const date = longDate(bill.billingDate);
  const print = h("button", { type: "button", "aria-label": text.print(date) }, text.printShort);
  print.addEventListener(
    "click",
    action(app, message, async () => {
      // The link lives 5 minutes: asked for at the click, never kept.
      const detail = await asCustomer<Bill>(app, "GET", apiPath("meBills", "GET", { billId: bill.billId }));
      if (detail.documentUrl) window.open(detail.documentUrl, "_blank", "noopener");
      else showMessage(message, `${date} : ${text.noDocument}`, "info");
    }),
  );
  return h(
    "tr",
    {},
    h("td", {}, date),
    h("td", {}, longDate(bill.dueDate)),
    h("td", { class: "amount" }, money(bill.amountDue)),
    h("td", { class: "amount" }, money(bill.balance)),
    h("td", {}, print),
  );
}

async function contractSection(app: App): Promise<HTMLElement> {
  const text = t();
  let contract: Contract;
  try {
    contract = await asCustomer<Contract>(app, "GET", apiPath("meContract", "GET"));
  } catch (error) {
    if (error instanceof ApiFailure && error.status === 404) {
      return section("contract", text.contractSection, h("p", {}, text.noContract));
    }
    throw error;
  }
  const services = h(
    "table",
    {},
    h("caption", { class: "visually-hidden" }, text.contractSection),
    h(
      "thead",
      {},
      h("tr", {}, h("th", { scope: "col" }, text.service), h("th", { scope: "col" }, text.monthlyPrice)),
    ),
    h(
      "tbody",
      {},
      ...contract.services.map((s) =>
        h("tr", {}, h("td", {}, s.name), h("td", { class: "amount" }, money(s.monthlyPrice))),
      ),
    ),
  );
  const documentUrl = contract.documentUrl;
  const print = documentUrl ? h("button", { type: "button" }, text.printContract) : null;
  print?.addEventListener("click", () => window.open(documentUrl, "_blank", "noopener"));
  return section(
    "contract",
    text.contractSection,
    h(
      "dl",
      {},
      h("dt", {}, text.contractId),
      h("dd", {}, contract.contractId),
      h("dt", {}, text.startDate),
      h("dd", {}, longDate(contract.startDate)),
      h("dt", {}, text.endDate),
      h("dd", {}, contract.endDate ? longDate(contract.endDate) : text.noEndDate),
    ),
    h("div", { class: "table" }, services),
    print,
  );
}

function exportSection(app: App, me: Me): HTMLElement {
  const text = t();
  const message = messageArea();
  const button = h("button", { type: "button" }, text.exportButton);
  button.addEventListener(
    "click",
    action(app, message, async () => {
      const data = await asCustomer<unknown>(app, "GET", apiPath("meExport", "GET"));
      const file = new Blob([`${JSON.stringify(data, null, 2)}\n`], { type: "application/json" });
      const link = h("a", {
        href: URL.createObjectURL(file),
        download: `services-en-ligne-${me.customerNumber}.json`,
      });
      link.click();
      // Revoked once the download has begun, not under it.
      setTimeout(() => URL.revokeObjectURL(link.href), 10_000);
      showMessage(message, text.exportDone, "success");
    }),
  );
  return section("data", text.dataSection, h("p", {}, text.exportIntro), button, message);
}

function closeSection(app: App): HTMLElement {
  const text = t();
  const message = messageArea();
  const ask = h("button", { type: "button", class: "danger" }, text.closeButton);
  const confirm = h("button", { type: "button", class: "danger" }, text.closeConfirm);
  const cancel = h("button", { type: "button" }, text.closeCancel);
  const question = h(
    "div",
    { class: "confirm", hidden: true },
    h("p", {}, text.closeQuestion),
    confirm,
    " ",
    cancel,
  );
  ask.addEventListener("click", () => {
    question.hidden = false;
    ask.hidden = true;
    cancel.focus();
  });
  cancel.addEventListener("click", () => {
    question.hidden = true;
    ask.hidden = false;
    ask.focus();
  });
  confirm.addEventListener(
    "click",
    action(app, message, async () => {
      await asCustomer<unknown>(app, "DELETE", apiPath("me", "DELETE"));
      app.session.forget();
      app.go("signIn", text.closedNotice);
    }),
  );
  return section("close", text.closeSection, h("p", {}, text.closeIntro), ask, question, message);
}
