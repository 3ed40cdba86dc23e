import type { Language } from "../language";
import { escapeHtml, htmlFrame, type RenderedEmail } from "./html";

/**
 * Why a profile was removed: support took it back (the customer said it was not theirs), or the
 * customer closed it themselves (DELETE /v1/me).
 */
export type RemovalReason = "revoked" | "closed-by-customer";

export interface ProfileRemovedEmailData {
  readonly language: Language;
  readonly reason: RemovalReason;
  /** The address the profile was enrolled with, masked (`j•••@example.com`). */
  readonly maskedEmail: string;
  readonly supportPhone: string;
}

const copy = {
  fr: {
    subject: "Votre profil Services en ligne a été retiré",
    greeting: "Bonjour,",
    body: {
      revoked: (email: string) =>
        `À la demande faite à notre service à la clientèle, le profil Services en ligne ${email} a été retiré de votre compte Cablevision. Ses accès ne fonctionnent plus.`,
      "closed-by-customer": (email: string) =>
        `Le profil Services en ligne ${email} de votre compte Cablevision a été fermé. Ses accès ne fonctionnent plus.`,
    },
    paper:
      "Vos factures vous seront de nouveau envoyées par la poste. Vous pourrez vous inscrire de nouveau en tout temps.",
    call: (phone: string) => `Si vous n'êtes pas à l'origine de cette demande, appelez-nous au ${phone}.`,
  },
  en: {
    subject: "Your online services profile was removed",
    greeting: "Hello,",
    body: {
      revoked: (email: string) =>
        `As requested from our customer service, the online services profile ${email} was removed from your Cablevision account. Its sign-ins no longer work.`,
      "closed-by-customer": (email: string) =>
        `The online services profile ${email} of your Cablevision account was closed. Its sign-ins no longer work.`,
    },
    paper: "Your bills will be mailed to you again. You may enroll again at any time.",
    call: (phone: string) => `If you did not ask for this, call us at ${phone}.`,
  },
} as const;

/** To the enrolled address and to the contact address on file when a profile is removed. */
export function profileRemovedEmail(data: ProfileRemovedEmailData): RenderedEmail {
  const c = copy[data.language];
  const body = c.body[data.reason](data.maskedEmail);
  const call = c.call(data.supportPhone);
  const text = [c.greeting, "", body, "", c.paper, "", call].join("\n");
  const html = htmlFrame(
    data.language,
    c.subject,
    [
      `<p>${escapeHtml(c.greeting)}</p>`,
      `<p>${escapeHtml(body)}</p>`,
      `<p>${escapeHtml(c.paper)}</p>`,
      `<p>${escapeHtml(call)}</p>`,
    ].join("\n"),
  );
  return { subject: c.subject, text, html };
}
