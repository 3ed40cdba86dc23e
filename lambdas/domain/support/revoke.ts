import { type ProfileRemovedNotifier, type RemovalDeps, removeProfile } from "../customer/remove-profile";
import { maskEmail } from "../enrollment/confirm-email";
import type { AccountContacts, AttemptLimiter } from "../enrollment/ports";
import type { SupportDeps } from "./status";

export type RevokeOutcome =
  | {
      readonly outcome: "revoked";
      /** Whether there was a profile to remove (false: already not enrolled; the rest was still done). */
      readonly removed: boolean;
      /** The addresses told, masked. */
      readonly told: readonly string[];
    }
  | { readonly outcome: "unknown-customer" };

export type RevokeDeps = Pick<SupportDeps, "accounts" | "events" | "actor" | "now"> & {
  readonly limiter: Pick<AttemptLimiter, "clear">;
  readonly removal: RemovalDeps;
  readonly contacts: AccountContacts;
  readonly notifier: ProfileRemovedNotifier;
};

/**
 * `support revoke`: the customer says the profile is not theirs (contract §8). The profile is
 * removed (removeProfile: tokens refused at once, users deleted, not enrolled with paper bills), the
 * account's failures and lockout are forgotten so that its real owner verifies afresh, and the
 * enrolled address and the contact address on file (when it differs) are told, in the account's
 * language. Recorded as a support event, "failed" when any step threw. A repeat on an account
 * already not enrolled clears the failures again and tells nobody.
 */
export async function supportRevoke(customerNumber: string, deps: RevokeDeps): Promise<RevokeOutcome> {
  const account = await deps.accounts.account(customerNumber);
  if (!account.known) return { outcome: "unknown-customer" };
  const at = deps.now().toISOString();
  const record = (outcome: "done" | "failed") =>
    deps.events.record(customerNumber, { kind: "support", at, action: "revoke", actor: deps.actor, outcome });
  try {
    const removal = await removeProfile(customerNumber, "revoked", deps.removal);
    await deps.limiter.clear(customerNumber);
    const told: string[] = [];
    if (removal.outcome === "removed") {
      const contact = await deps.contacts.contactOf(customerNumber);
      const language = contact?.language ?? account.language;
      const enrolled = removal.email;
      const recipients = [enrolled, contact?.email].filter((to): to is string => Boolean(to));
      const unique = recipients.filter(
        (to, i) => recipients.findIndex((other) => other.toLowerCase() === to.toLowerCase()) === i,
      );
      for (const to of unique) {
        await deps.notifier.sendProfileRemoved({
          to,
          language,
          reason: "revoked",
          maskedEmail: maskEmail(enrolled ?? to),
        });
        told.push(maskEmail(to));
      }
    }
    await record("done");
    return { outcome: "revoked", removed: removal.outcome === "removed", told };
  } catch (error) {
    await record("failed").catch(() => undefined);
    throw error;
  }
}
