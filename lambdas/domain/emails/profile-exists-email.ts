import type { Language } from "../language";
import { escapeHtml, htmlFrame, type RenderedEmail } from "./html";

export interface ProfileExistsEmailData {
  readonly language: Language;
  /** The website, where the owner signs in or resets the password. */
  readonly siteUrl: string;
  readonly supportPhone: string;
}

const copy = {
  fr: {
    subject: "Vous avez déjà un profil Services en ligne – Cablevision",
    greeting: "Bonjour,",
    body: "Quelqu'un a demandé à inscrire cette adresse courriel aux Services en ligne de Cablevision, mais elle a déjà un profil. Aucun nouveau profil n'a été créé.",
    action:
      "Pour accéder à vos factures, connectez-vous avec cette adresse. Si vous avez oublié votre mot de passe, choisissez « Mot de passe oublié » sur la page de connexion pour le réinitialiser :",
    button: "Me connecter",
    ignore: "Si vous n'avez pas fait cette demande, ignorez ce message : votre profil n'a pas changé.",
    help: (phone: string) => `Besoin d'aide? Communiquez avec notre service à la clientèle au ${phone}.`,
  },
  en: {
    subject: "You already have an online services profile – Cablevision",
    greeting: "Hello,",
    body: "Someone asked to enroll this e-mail address in Cablevision online services, but it already has a profile. No new profile was created.",
    action:
      "To see your bills, sign in with this address. If you forgot your password, choose “Forgot password” on the sign-in page to reset it:",
    button: "Sign in",
    ignore: "If you did not make this request, ignore this message: your profile has not changed.",
    help: (phone: string) => `Need help? Call our customer service at ${phone}.`,
  },
} as const;

/**
 * Sent instead of a confirmation link when the address already has another account's profile: the
 * requester gets the usual 201 (the address's use is not revealed), its owner learns how to sign in.
 * No link that acts: only the website.
 */
export function profileExistsEmail(data: ProfileExistsEmailData): RenderedEmail {
  const c = copy[data.language];
  const text = [
    c.greeting,
    "",
    c.body,
    "",
    c.action,
    "",
    data.siteUrl,
    "",
    c.ignore,
    "",
    c.help(data.supportPhone),
  ].join("\n");
  const link = escapeHtml(data.siteUrl);
  const html = htmlFrame(
    data.language,
    c.subject,
    [
      `<p>${escapeHtml(c.greeting)}</p>`,
      `<p>${escapeHtml(c.body)}</p>`,
      `<p>${escapeHtml(c.action)}</p>`,
      `<p><a href="${link}" style="display:inline-block;padding:10px 16px;background:#0b5cab;color:#fff;text-decoration:none;border-radius:4px">${escapeHtml(c.button)}</a></p>`,
      `<p>${escapeHtml(c.ignore)}</p>`,
      `<p>${escapeHtml(c.help(data.supportPhone))}</p>`,
    ].join("\n"),
  );
  return { subject: c.subject, text, html };
}
