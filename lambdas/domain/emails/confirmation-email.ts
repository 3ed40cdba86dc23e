import type { Language } from "../language";
import { escapeHtml, htmlFrame, type RenderedEmail } from "./html";

export interface ConfirmationEmailData {
  readonly language: Language;
  readonly link: string;
  readonly supportPhone: string;
}

const copy = {
  fr: {
    subject: "Confirmez votre adresse courriel – Services en ligne Cablevision",
    greeting: "Bonjour,",
    intro:
      "Vous avez demandé à vous inscrire aux Services en ligne de Cablevision. Pour activer votre profil, confirmez votre adresse courriel :",
    button: "Confirmer mon adresse courriel",
    expiry: "Ce lien est valide pendant 24 heures.",
    ignore: "Si vous n'avez pas fait cette demande, ignorez ce message : aucun profil ne sera activé.",
    help: (phone: string) => `Besoin d'aide? Communiquez avec notre service à la clientèle au ${phone}.`,
  },
  en: {
    subject: "Confirm your e-mail address – Cablevision online services",
    greeting: "Hello,",
    intro:
      "You asked to enroll in Cablevision online services. To activate your profile, confirm your e-mail address:",
    button: "Confirm my e-mail address",
    expiry: "This link is valid for 24 hours.",
    ignore: "If you did not make this request, ignore this message: no profile will be activated.",
    help: (phone: string) => `Need help? Call our customer service at ${phone}.`,
  },
} as const;

/** The e-mail with the confirmation link, in the customer's language, as text and HTML. */
export function confirmationEmail(data: ConfirmationEmailData): RenderedEmail {
  const c = copy[data.language];
  const text = [
    c.greeting,
    "",
    c.intro,
    "",
    data.link,
    "",
    c.expiry,
    c.ignore,
    "",
    c.help(data.supportPhone),
  ].join("\n");
  const link = escapeHtml(data.link);
  const html = htmlFrame(
    data.language,
    c.subject,
    [
      `<p>${escapeHtml(c.greeting)}</p>`,
      `<p>${escapeHtml(c.intro)}</p>`,
      `<p><a href="${link}" style="display:inline-block;padding:10px 16px;background:#0b5cab;color:#fff;text-decoration:none;border-radius:4px">${escapeHtml(c.button)}</a></p>`,
      `<p style="font-size:13px;word-break:break-all">${link}</p>`,
      `<p>${escapeHtml(c.expiry)} ${escapeHtml(c.ignore)}</p>`,
      `<p>${escapeHtml(c.help(data.supportPhone))}</p>`,
    ].join("\n"),
  );
  return { subject: c.subject, text, html };
}
