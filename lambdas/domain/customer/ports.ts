import type { Billing, ProfileStatus } from "../enrollment/ports";
import type { Language } from "../language";

/**
 * What the signed-in customer's use cases need from the outside world. Adapters (DynamoDB, Cognito,
 * S3 or the local folder) implement these; unit tests pass in-memory fakes.
 */

/** The part of a profile a signed-in customer reads and changes. */
export interface CustomerProfile {
  readonly customerNumber: string;
  readonly status?: ProfileStatus;
  readonly email?: string;
  readonly language?: Language;
  readonly billing?: Billing;
  readonly activatedAt?: string;
  readonly electronicSince?: string;
  /**
   * ISO instant: every token of a sign-in at or before it is refused (401). Set when the customer
   * signs out everywhere; support's revoke and the closing of the profile are meant to set it too.
   */
  readonly tokensRevokedAt?: string;
}

export interface ProfileChanges {
  readonly billing?: Billing;
  readonly language?: Language;
}

export interface CustomerProfiles {
  get(customerNumber: string): Promise<CustomerProfile | undefined>;
  /**
   * Applies the changes to an ACTIVE profile with conditional writes, and returns it as it is after
   * them; undefined when there is no ACTIVE profile. Billing that goes from paper to electronic gets
   * `electronicSince = now` (notices resume for bills available from then on); asking for the billing
   * the profile already has changes nothing, so a repeated request is harmless.
   */
  update(customerNumber: string, changes: ProfileChanges, now: Date): Promise<CustomerProfile | undefined>;
  /**
   * Refuses, from now on, every token of a sign-in at or before `at` (`tokensRevokedAt`), whatever the
   * profile's status. The mark only ever moves forward: repeating the call, or a call with an earlier
   * instant, leaves a later mark as it is. False when the account has no profile at all.
   */
  revokeTokens(customerNumber: string, at: Date): Promise<boolean>;
}

/** The user pool, for what Cognito itself must know of the customer's choices. */
export interface UserLocales {
  /**
   * Sets the `locale` of the user signed in as `username` (the profile's e-mail) to the language.
   * Setting the value it already has is harmless. False when the pool has no such user.
   */
  setLanguage(username: string, language: Language): Promise<boolean>;
}

/** A bill as stored (money in cents). */
export interface StoredBill {
  readonly billId: string;
  readonly billingDate: string;
  readonly dueDate: string;
  readonly amountDueCents: number;
  readonly balanceCents: number;
  readonly availableOn: string;
  readonly documentKey?: string;
}

export interface StoredContract {
  readonly contractId: string;
  readonly startDate: string;
  readonly endDate: string | null;
  readonly services: readonly { readonly name: string; readonly monthlyPriceCents: number }[];
  readonly documentKey?: string;
}

/** Where a bill stands in the customer's list: its sort keys, newest billing date first. */
export interface BillPosition {
  readonly billingDate: string;
  readonly billId: string;
}

export interface BillPage {
  readonly bills: readonly StoredBill[];
  /** Where the following page starts (after this bill); absent when no bill is left. */
  readonly next?: BillPosition;
}

/** The customer's billing data, always read under the customer's own number. */
export interface CustomerBilling {
  /**
   * Up to `limit` of the bills available by `availableBy` (availableOn <= it), newest billing date
   * first, starting after `after`. A page comes back short only at the end of the list (or past the
   * adapter's bound of reads, hundreds of bills in a row not yet available: `next` then goes on).
   */
  listAvailableBills(
    customerNumber: string,
    page: { readonly availableBy: string; readonly limit: number; readonly after?: BillPosition },
  ): Promise<BillPage>;
  /** Undefined when the customer has no such bill (another customer's bill id included). */
  getBill(customerNumber: string, billId: string): Promise<StoredBill | undefined>;
  getContract(customerNumber: string): Promise<StoredContract | undefined>;
}

/** Short-lived links to the PDFs (presigned in AWS, signed by the local adapter locally). */
export interface DocumentLinks {
  urlFor(documentKey: string): Promise<string>;
}

/** The claims of a verified token that the authorizer needs. */
export interface VerifiedToken {
  readonly tokenUse: "id" | "access";
  /** The user's immutable id. */
  readonly sub: string;
  /** The user name (access tokens): what the directory is asked about. */
  readonly username?: string;
  /** `custom:customerNumber` (id tokens only). */
  readonly customerNumber?: string;
  /** The e-mail (id tokens only). */
  readonly email?: string;
  /** `exp`, in seconds since the epoch. */
  readonly expiresAt?: number;
  /**
   * When the user signed in, in seconds since the epoch: `auth_time`, which a refresh keeps (else
   * `iat`). Compared with the profile's `tokensRevokedAt`.
   */
  readonly authenticatedAt?: number;
}

export interface TokenVerifier {
  /** The token's claims when its signature, expiry, issuer, client and use check out; null otherwise. */
  verify(token: string): Promise<VerifiedToken | null>;
}

export interface UserIdentity {
  readonly customerNumber?: string;
  readonly email?: string;
}

/**
 * The user pool, asked about every token's user: whether it still exists and is enabled, and for an
 * access token (which carries neither claim) its customer number and e-mail.
 */
export interface UserDirectory {
  /** Null when there is no such user, or it is disabled. */
  lookup(username: string): Promise<UserIdentity | null>;
}

/** The user pool's sessions of a user. */
export interface UserSessions {
  /**
   * Signs the user out of every device (Cognito AdminUserGlobalSignOut): its refresh tokens can no
   * longer get new tokens. Harmless for a user that no longer exists.
   */
  signOutEverywhere(username: string): Promise<void>;
}
