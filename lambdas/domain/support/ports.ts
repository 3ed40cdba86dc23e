import type { Billing, ProfileStatus } from "../enrollment/ports";
import type { Language } from "../language";

/**
 * What the support desk's use cases read beyond the enrollment ports: the attempt counters as they
 * stand (without reserving anything) and the account as the billing system sent it.
 */

export interface AttemptSummary {
  /** Failures (or reserved attempts) in the sliding window and in the last 24 hours. */
  readonly inWindow: number;
  readonly inDay: number;
  /** When the account may verify again (lockout, full window or daily cap), if it may not now. */
  readonly blockedUntil?: Date;
  readonly reason?: "lockout" | "window" | "day";
}

export interface AttemptInspector {
  inspect(customerNumber: string, now: Date): Promise<AttemptSummary>;
}

export interface SupportAccount {
  readonly known: boolean;
  readonly closed: boolean;
  readonly language: Language;
  readonly hasContactEmail: boolean;
}

export interface SupportAccounts {
  account(customerNumber: string): Promise<SupportAccount>;
}

/** The profile fields support may see (the e-mail is masked before it leaves the use case). */
export interface SupportProfile {
  readonly status?: ProfileStatus;
  readonly email?: string;
  readonly pendingEmail?: string;
  readonly billing?: Billing;
  readonly language?: Language;
  readonly updatedAt?: string;
  readonly activatedAt?: string;
  readonly supportFlag?: "BOUNCE" | "COMPLAINT";
  readonly flaggedAt?: string;
}
