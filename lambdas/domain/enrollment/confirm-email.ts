import { dateInTimeZone } from "../dates";
import type {
  AccountContacts,
  ConfirmationTokens,
  IdentityProvider,
  ProfileCreatedNotifier,
  ProfileStore,
} from "./ports";
import { isWellFormedToken, tokenHash } from "./tokens";

export type ConfirmationOutcome = { readonly outcome: "active" } | { readonly outcome: "invalid-token" };

export interface ConfirmationDeps {
  readonly confirmationTokens: Pick<ConfirmationTokens, "find">;
  readonly profiles: ProfileStore;
  readonly identity: IdentityProvider;
  readonly now: () => Date;
  /** "Was this you?" to the contact address on file (contract §4): absent, no notice (tools, tests). */
  readonly profileCreated?: { readonly contacts: AccountContacts; readonly notifier: ProfileCreatedNotifier };
}

/** `jean.tremblay@example.com` → `j•••@example.com`: the owner recognizes it, a stranger learns little. */
export function maskEmail(email: string): string {
  const at = email.lastIndexOf("@");
  if (at < 1) return "•••";
  return `${email.slice(0, 1)}•••${email.slice(at)}`;
}

/**
 * The link of the confirmation e-mail: the e-mail is verified, the account becomes ACTIVE with
 * electronic bills. Only the account's current link works; using it twice is harmless.
 */
export async function confirmEmail(token: string, deps: ConfirmationDeps): Promise<ConfirmationOutcome> {
  if (!isWellFormedToken(token)) return { outcome: "invalid-token" };
  const now = deps.now();
  const hash = tokenHash(token);
  const customerNumber = await deps.confirmationTokens.find(hash, now);
  if (customerNumber === null) return { outcome: "invalid-token" };
  // The contact on file is read with the profile, one round trip instead of two; a link refused
  // below simply does not use it (the read is harmless, and its failure is not left unhandled).
  const contact = deps.profileCreated?.contacts.contactOf(customerNumber);
  contact?.catch(() => undefined);
  const profile = await deps.profiles.get(customerNumber);
  if (!profile?.email || profile.confirmationTokenHash !== hash) return { outcome: "invalid-token" };
  if (profile.status === "ACTIVE") return { outcome: "active" };
  // A newer enrollment is being written: this older link must not activate anything.
  if (profile.pendingEmail !== undefined) return { outcome: "invalid-token" };
  // A link only confirms its own account's user: the address may have been freed since (its user
  // deleted by a newer enrollment or an expiry) and registered by another account.
  if ((await deps.identity.customerNumberOf(profile.email)) !== customerNumber)
    return { outcome: "invalid-token" };
  // A newer enrollment may have replaced this one (and deleted its user) since the profile was read.
  if (!(await deps.identity.markEmailVerified(profile.email))) return { outcome: "invalid-token" };
  // Before the activation: a failed notice fails the confirmation, whose retry sends it again, so the
  // owner is never left untold (at worst told twice when the activation fails after it).
  await notifyContact(contact, profile.email, now, deps);
  if (await deps.profiles.activate(customerNumber, hash, now)) return { outcome: "active" };
  const after = await deps.profiles.get(customerNumber);
  return after?.status === "ACTIVE" && after.confirmationTokenHash === hash
    ? { outcome: "active" }
    : { outcome: "invalid-token" };
}

async function notifyContact(
  contactRead: ReturnType<AccountContacts["contactOf"]> | undefined,
  email: string,
  now: Date,
  deps: ConfirmationDeps,
) {
  if (!deps.profileCreated || !contactRead) return;
  const contact = await contactRead;
  if (!contact?.email || contact.email.toLowerCase() === email.toLowerCase()) return;
  await deps.profileCreated.notifier.sendProfileCreated({
    to: contact.email,
    language: contact.language,
    maskedEmail: maskEmail(email),
    date: dateInTimeZone(now),
  });
}
