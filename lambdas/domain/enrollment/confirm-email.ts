import type { ConfirmationTokens, IdentityProvider, ProfileStore } from "./ports";
import { isWellFormedToken, tokenHash } from "./tokens";

export type ConfirmationOutcome = { readonly outcome: "active" } | { readonly outcome: "invalid-token" };

export interface ConfirmationDeps {
  readonly confirmationTokens: ConfirmationTokens;
  readonly profiles: ProfileStore;
  readonly identity: IdentityProvider;
  readonly now: () => Date;
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
  const profile = await deps.profiles.get(customerNumber);
  if (!profile?.email || profile.confirmationTokenHash !== hash) return { outcome: "invalid-token" };
  if (profile.status === "ACTIVE") return { outcome: "active" };
  // A newer enrollment is being written: this older link must not activate anything.
  if (profile.pendingEmail !== undefined) return { outcome: "invalid-token" };
  // A newer enrollment may have replaced this one (and deleted its user) since the profile was read.
  if (!(await deps.identity.markEmailVerified(profile.email))) return { outcome: "invalid-token" };
  if (await deps.profiles.activate(customerNumber, hash, now)) return { outcome: "active" };
  const after = await deps.profiles.get(customerNumber);
  return after?.status === "ACTIVE" && after.confirmationTokenHash === hash
    ? { outcome: "active" }
    : { outcome: "invalid-token" };
}
