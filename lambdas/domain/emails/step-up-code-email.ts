import type { Language } from "../language";
import { escapeHtml, htmlFrame, type RenderedEmail } from "./html";

export interface StepUpCodeEmailData {
  readonly language: Language;
  /** The 6-digit code. */
  readonly code: string;
  readonly supportPhone: string;
}

const copy = {
  fr: {
    subject: "Votre code de vérification – Services en ligne Cablevision",
    greeting: "Bonjour,",
    intro:
      "Une inscription aux Services en ligne de Cablevision a été demandée pour votre compte. Pour la poursuivre, entrez ce code :",
    expiry: "Ce code est valide pendant 15 minutes.",
    ignore: (phone: string) =>
      `Si vous n'avez pas fait cette demande, ne communiquez ce code à personne et appelez-nous au ${phone}.`,
  },
  en: {
    subject: "Your verification code – Cablevision online services",
    greeting: "Hello,",
    intro:
      "An enrollment in Cablevision online services was requested for your account. To continue, enter this code:",
    expiry: "This code is valid for 15 minutes.",
    ignore: (phone: string) =>
      `If you did not make this request, share this code with no one and call us at ${phone}.`,
  },
} as const;

/** The step-up code, to the contact address on file, in the account's language. */
export function stepUpCodeEmail(data: StepUpCodeEmailData): RenderedEmail {
  const c = copy[data.language];
  const text = [c.greeting, "", c.intro, "", data.code, "", c.expiry, c.ignore(data.supportPhone)].join("\n");
  const html = htmlFrame(
    data.language,
    c.subject,
    [
      `<p>${escapeHtml(c.greeting)}</p>`,
      `<p>${escapeHtml(c.intro)}</p>`,
      `<p style="font-size:28px;letter-spacing:6px;font-weight:bold">${escapeHtml(data.code)}</p>`,
      `<p>${escapeHtml(c.expiry)}</p>`,
      `<p>${escapeHtml(c.ignore(data.supportPhone))}</p>`,
    ].join("\n"),
  );
  return { subject: c.subject, text, html };
}
