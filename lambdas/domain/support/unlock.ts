import type { AttemptLimiter } from "../enrollment/ports";
import type { SupportDeps } from "./status";

export type UnlockOutcome = { readonly outcome: "unlocked" } | { readonly outcome: "unknown-customer" };

/**
 * `support unlock`: the account's failures and lockout are forgotten, so the customer may verify at
 * once. The stage-wide failure budget is untouched: an unlock never lifts step-up mode.
 */
export async function supportUnlock(
  customerNumber: string,
  deps: Pick<SupportDeps, "accounts" | "events" | "actor" | "now"> & {
    readonly limiter: Pick<AttemptLimiter, "clear">;
  },
): Promise<UnlockOutcome> {
  const account = await deps.accounts.account(customerNumber);
  if (!account.known) return { outcome: "unknown-customer" };
  const at = deps.now().toISOString();
  try {
    await deps.limiter.clear(customerNumber);
  } catch (error) {
    await deps.events
      .record(customerNumber, { kind: "support", at, action: "unlock", actor: deps.actor, outcome: "failed" })
      .catch(() => undefined);
    throw error;
  }
  await deps.events.record(customerNumber, {
    kind: "support",
    at,
    action: "unlock",
    actor: deps.actor,
    outcome: "done",
  });
  return { outcome: "unlocked" };
}
