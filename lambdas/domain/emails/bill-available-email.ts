import type { Language } from "../language";
import { escapeHtml, htmlFrame, type RenderedEmail } from "./html";

export interface BillAvailableData {
  readonly language: Language;
  readonly billingDate: string;
  readonly dueDate: string;
  readonly amountDueCents: number;
  /** The website's sign-in page, where the bill is viewed and printed. */
  readonly link: string;
  readonly supportPhone: string;
}

const locales = { fr: "fr-CA", en: "en-CA" } as const;

/** fr-CA "73,15 $", en-CA "$73.15". */
export function formatMoney(cents: number, language: Language): string {
  return new Intl.NumberFormat(locales[language], { style: "currency", currency: "CAD" }).format(cents / 100);
}

/** fr-CA "20 novembre 2026", en-CA "November 20, 2026" (a calendar date, no time zone shift). */
export function formatDate(date: string, language: Language): string {
  const [y, m, d] = date.split("-").map(Number) as [number, number, number];
  return new Intl.DateTimeFormat(locales[language], { dateStyle: "long", timeZone: "UTC" }).format(
    new Date(Date.UTC(y, m - 1, d)),
  );
}

const copy = {
  fr: {
    subject: (date: string) => `Votre facture du ${date} est disponible`,
    greeting: "Bonjour,",
    intro: (date: string) => `Votre facture Cablevision du ${date} est disponible en ligne.`,
    amount: "Montant à payer",
    due: "Date d'échéance",
    action: "Consulter ma facture",
    where: "Vous pouvez la consulter à l'écran et l'imprimer au besoin dans les Services en ligne\u00a0:",
    help: (phone: string) => `Des questions? Communiquez avec notre service à la clientèle au ${phone}.`,
    why: "Vous recevez ce message parce que vous êtes inscrit à la facture électronique.",
  },
  en: {
    subject: (date: string) => `Your bill of ${date} is available`,
    greeting: "Hello,",
    intro: (date: string) => `Your Cablevision bill of ${date} is available online.`,
    amount: "Amount due",
    due: "Due date",
    action: "View my bill",
    where: "You can view it on screen and print it if needed in online services:",
    help: (phone: string) => `Questions? Call our customer service at ${phone}.`,
    why: "You receive this message because you are enrolled in electronic billing.",
  },
} as const;

/**
 * The monthly "your bill is available" e-mail, text and HTML, in the customer's language. It names
 * the billing date, the amount due and the due date, links to the website, and carries nothing that
 * could help take over the account (no access code, no customer number).
 */
export function billAvailableEmail(data: BillAvailableData): RenderedEmail {
  const c = copy[data.language];
  const billingDate = formatDate(data.billingDate, data.language);
  const amount = formatMoney(data.amountDueCents, data.language);
  const dueDate = formatDate(data.dueDate, data.language);
  // French typography puts a space before the colon.
  const colon = data.language === "fr" ? "\u00a0:" : ":";
  const text = [
    c.greeting,
    "",
    c.intro(billingDate),
    "",
    `${c.amount}${colon} ${amount}`,
    `${c.due}${colon} ${dueDate}`,
    "",
    c.where,
    data.link,
    "",
    c.help(data.supportPhone),
    c.why,
  ].join("\n");
  const sep = escapeHtml(colon);
  const html = htmlFrame(
    data.language,
    c.subject(billingDate),
    [
      `<p>${escapeHtml(c.greeting)}</p>`,
      `<p>${escapeHtml(c.intro(billingDate))}</p>`,
      '<table role="presentation" style="border-collapse:collapse;margin:12px 0">',
      `<tr><td style="padding:4px 12px 4px 0">${escapeHtml(c.amount)}${sep}</td><td style="padding:4px 0"><strong>${escapeHtml(amount)}</strong></td></tr>`,
      `<tr><td style="padding:4px 12px 4px 0">${escapeHtml(c.due)}${sep}</td><td style="padding:4px 0"><strong>${escapeHtml(dueDate)}</strong></td></tr>`,
      "</table>",
      `<p>${escapeHtml(c.where)}</p>`,
      `<p><a href="${escapeHtml(data.link)}" style="display:inline-block;padding:10px 16px;background:#0b5cab;color:#fff;text-decoration:none;border-radius:4px">${escapeHtml(c.action)}</a></p>`,
      `<p>${escapeHtml(c.help(data.supportPhone))}</p>`,
      `<p style="font-size:12px;color:#666">${escapeHtml(c.why)}</p>`,
    ].join("\n"),
  );
  return { subject: c.subject(billingDate), text, html };
}
