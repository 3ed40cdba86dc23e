import { maskEmail } from "../enrollment/confirm-email";
import type { FailureBudget } from "../enrollment/ports";
import type { AccountEvent, AccountEvents } from "./account-events";
import type { AttemptInspector, SupportAccounts, SupportProfile } from "./ports";

/** How many of the account's events `status` shows (contract §8). */
export const STATUS_EVENTS = 20;

/**
 * What `support status` shows, in a shape that stays stable for `--json`: the e-mail masked, no
 * hash, no token, no phone.
 */
export interface SupportStatus {
  readonly customerNumber: string;
  readonly account: {
    readonly closed: boolean;
    readonly language: "fr" | "en";
    readonly contactEmail: boolean;
  };
  readonly enrollment: {
    readonly state: "NOT_ENROLLED" | "PENDING_CONFIRMATION" | "ACTIVE";
    readonly email: string | null;
    readonly since: string | null;
  };
  readonly billing: "electronic" | "paper";
  readonly deliverability: { readonly flag: "BOUNCE" | "COMPLAINT" | null; readonly since: string | null };
  readonly verification: {
    readonly failuresInWindow: number;
    readonly failuresToday: number;
    readonly blockedUntil: string | null;
    readonly reason: "lockout" | "window" | "day" | null;
  };
  readonly stage: { readonly stepUp: boolean };
  readonly events: readonly AccountEvent[];
}

export interface SupportDeps {
  readonly accounts: SupportAccounts;
  readonly profiles: { get(customerNumber: string): Promise<SupportProfile | undefined> };
  readonly attempts: AttemptInspector;
  readonly budget: Pick<FailureBudget, "stepUp">;
  readonly events: AccountEvents;
  /** Who runs the command: recorded with every action. */
  readonly actor: string;
  readonly now: () => Date;
}

export type StatusOutcome =
  | { readonly outcome: "found"; readonly status: SupportStatus }
  | { readonly outcome: "unknown-customer" };

/** `support status`: everything support needs at a glance, and the lookup itself recorded. */
export async function supportStatus(customerNumber: string, deps: SupportDeps): Promise<StatusOutcome> {
  const now = deps.now();
  const account = await deps.accounts.account(customerNumber);
  if (!account.known) return { outcome: "unknown-customer" };
  // The lookup is recorded first, so that it shows in its own list (and an agent sees who looked).
  await deps.events.record(customerNumber, {
    kind: "support",
    at: now.toISOString(),
    action: "status",
    actor: deps.actor,
    outcome: "done",
  });
  const [profile, attempts, stepUp, events] = await Promise.all([
    deps.profiles.get(customerNumber),
    deps.attempts.inspect(customerNumber, now),
    deps.budget.stepUp(now),
    deps.events.recent(customerNumber, STATUS_EVENTS),
  ]);
  const state = profile?.status ?? "NOT_ENROLLED";
  const email = profile?.email ?? profile?.pendingEmail;
  return {
    outcome: "found",
    status: {
      customerNumber,
      account: { closed: account.closed, language: account.language, contactEmail: account.hasContactEmail },
      enrollment: {
        state,
        email: state === "NOT_ENROLLED" || !email ? null : maskEmail(email),
        since: state === "ACTIVE" ? (profile?.activatedAt ?? null) : (profile?.updatedAt ?? null),
      },
      billing: state === "ACTIVE" && profile?.billing === "electronic" ? "electronic" : "paper",
      deliverability: { flag: profile?.supportFlag ?? null, since: profile?.flaggedAt ?? null },
      verification: {
        failuresInWindow: attempts.inWindow,
        failuresToday: attempts.inDay,
        blockedUntil: attempts.blockedUntil?.toISOString() ?? null,
        reason: attempts.reason ?? null,
      },
      stage: { stepUp },
      events,
    },
  };
}
