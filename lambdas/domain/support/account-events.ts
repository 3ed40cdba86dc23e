/**
 * The account's own history, kept for support and for the customer's export: every verification
 * attempt and every support action, found by customer number, expiring after the stated retention.
 * An event never holds a secret: no code, phone, amount, token or full IP address.
 */

export type VerificationEventOutcome =
  | "verified"
  | "failed"
  | "locked"
  | "already-enrolled"
  | "challenge"
  | "code-verified"
  | "code-failed";

export interface VerificationEvent {
  readonly kind: "verification";
  /** ISO 8601 instant. */
  readonly at: string;
  readonly outcome: VerificationEventOutcome;
  /** The form used: the paper bill's code, the account's facts, or the step-up code. */
  readonly method: "bill" | "account" | "step-up-code";
  /** The source address with its host part hidden (IPv4 /24, IPv6 /48). */
  readonly sourceIp?: string;
}

export type SupportAction = "status" | "unlock" | "revoke";

export interface SupportEvent {
  readonly kind: "support";
  readonly at: string;
  readonly action: SupportAction;
  /** Who ran it: the local user, or the operator's AWS identity (its ARN). */
  readonly actor: string;
  readonly outcome: "done" | "failed";
}

export type AccountEvent = VerificationEvent | SupportEvent;

export interface AccountEvents {
  record(customerNumber: string, event: AccountEvent): Promise<void>;
  /** Newest first, at most `limit`. */
  recent(customerNumber: string, limit: number): Promise<readonly AccountEvent[]>;
  /** Every event still kept, oldest first (the customer's export). */
  all(customerNumber: string): Promise<readonly AccountEvent[]>;
}

/** How long account events are kept: 13 months, one full yearly cycle of bills and a month to spare. */
export const ACCOUNT_EVENT_RETENTION_DAYS = 396;

/**
 * `203.0.113.57` → `203.0.113.x`; `2001:db8:85a3::8a2e` → `2001:db8:85a3::/48`. Enough for support to
 * see that the attempts came from one network (or many), not enough to name a household.
 */
export function maskIp(ip: string | undefined | null): string | undefined {
  if (!ip) return undefined;
  const v4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.\d{1,3}$/.exec(ip);
  if (v4) return `${v4[1]}.${v4[2]}.${v4[3]}.x`;
  if (ip.includes(":")) {
    const [head] = ip.split("::");
    const groups = (head ?? "").split(":").filter(Boolean).slice(0, 3);
    while (groups.length < 3) groups.push("0");
    return `${groups.join(":")}::/48`;
  }
  return undefined;
}

/** When an event may be forgotten (epoch seconds, for the table's TTL). */
export function eventExpiryEpoch(at: Date): number {
  return Math.floor(at.getTime() / 1000) + ACCOUNT_EVENT_RETENTION_DAYS * 24 * 60 * 60;
}
