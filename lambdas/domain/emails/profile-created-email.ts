import type { Language } from "../language";
import { escapeHtml, htmlFrame, type RenderedEmail } from "./html";

export interface ProfileCreatedEmailData {
  readonly language: Language;
  readonly maskedEmail: string;
  /** YYYY-MM-DD. */
  readonly date: string;
  readonly supportPhone: string;
}

/** "1er décembre 2026" (French writes the first of the month 1er) or "December 1, 2026". */
function longDate(language: Language, date: string): string {
  const instant = new Date(`${date}T12:00:00Z`);
  if (language === "en") {
    return new Intl.DateTimeFormat("en-CA", { dateStyle: "long", timeZone: "UTC" }).format(instant);
  }
  const month = new Intl.DateTimeFormat("fr-CA", { month: "long", timeZone: "UTC" }).format(instant);
  const day = instant.getUTCDate();
  return `${day === 1 ? "1er" : day} ${month} ${instant.getUTCFullYear()}`;
}

const copy = {
  fr: {
    subject: "Un profil Services en ligne a été créé pour votre compte",
    greeting: "Bonjour,",
    body: (date: string, email: string) =>
      `Le ${date}, un profil Services en ligne a été créé pour votre compte Cablevision, avec l'adresse ${email}. Les factures de ce compte sont maintenant électroniques.`,
    notYou: (phone: string) =>
      `Si ce n'est pas vous, appelez-nous sans tarder au ${phone} : nous retirerons ce profil et rétablirons vos factures papier.`,
  },
  en: {
    subject: "An online services profile was created for your account",
    greeting: "Hello,",
    body: (date: string, email: string) =>
      `On ${date}, an online services profile was created for your Cablevision account, with the address ${email}. This account's bills are now electronic.`,
    notYou: (phone: string) =>
      `If this was not you, call us right away at ${phone}: we will remove the profile and restore your paper bills.`,
  },
} as const;

/** To the contact address on file when an enrollment with another address is confirmed. */
export function profileCreatedEmail(data: ProfileCreatedEmailData): RenderedEmail {
  const c = copy[data.language];
  const body = c.body(longDate(data.language, data.date), data.maskedEmail);
  const notYou = c.notYou(data.supportPhone);
  const text = [c.greeting, "", body, "", notYou].join("\n");
  const html = htmlFrame(
    data.language,
    c.subject,
    [
      `<p>${escapeHtml(c.greeting)}</p>`,
      `<p>${escapeHtml(body)}</p>`,
      `<p><strong>${escapeHtml(notYou)}</strong></p>`,
    ].join("\n"),
  );
  return { subject: c.subject, text, html };
}
