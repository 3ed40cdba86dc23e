import type { ExpectedAccess } from "../support/iam/least-privilege";

/**
 * The hand-kept half of the least-privilege test (least-privilege.test.ts), by handler module: which
 * table each DynamoDB action is on (the bundle only tells the actions), and the commands a bundle holds
 * that the function never sends. Everything else is compared mechanically: bundle against role.
 *
 * A new function needs an entry here (even `{}`); a new table access needs its line under `tables`.
 */
export const expectedAccess: Readonly<Record<string, ExpectedAccess>> = {
  health: {},
  openapi: {},
  fallback: {},
  verifications: {
    tables: {
      // The account's hashes and its profile in one BatchGetItem (known and unknown cost the same).
      Accounts: ["BatchGetItem"],
      Profiles: ["BatchGetItem"],
      // Attempt counters, verification tokens, the failure budget (BatchGetItem) and step-up challenges;
      // it deletes challenges only (consumed), never a lockout counter or a token.
      Security: [
        "GetItem",
        "BatchGetItem",
        "PutItem",
        "UpdateItem",
        "DeleteItem if dynamodb:LeadingKeys=CHALLENGE#*",
      ],
      // The account's events (support status, the export): it only adds one per attempt.
      AccountEvents: ["PutItem"],
    },
  },
  enrollments: {
    tables: {
      Profiles: ["GetItem", "UpdateItem"],
      // Consumes the verification token (UpdateItem), stores the confirmation token (PutItem), reads
      // and writes the account's enrollment e-mails of the day (GetItem, then a conditioned UpdateItem).
      Security: ["GetItem", "UpdateItem", "PutItem"],
    },
  },
  confirmation: {
    tables: {
      Profiles: ["GetItem", "UpdateItem"],
      Security: ["GetItem"],
      Accounts: ["GetItem"],
    },
    neverSent: {
      "cognito-idp:AdminCreateUser": "cognitoIdentity().createUser, which only the enrollment calls",
      "cognito-idp:AdminSetUserPassword": "cognitoIdentity().setPassword, which only the enrollment calls",
      "cognito-idp:AdminDeleteUser": "cognitoIdentity().deleteUser, which only the enrollment calls",
      "cognito-idp:AdminDisableUser":
        "cognitoIdentity().disableUser, which only a profile's removal calls (me, the support and import CLIs)",
    },
  },
  // DELETE /v1/me removes the profile with cognitoIdentity(): it reads, disables and deletes users.
  me: {
    tables: { Profiles: ["GetItem", "UpdateItem"] },
    neverSent: {
      "cognito-idp:AdminCreateUser": "cognitoIdentity().createUser, which only the enrollment calls",
      "cognito-idp:AdminSetUserPassword": "cognitoIdentity().setPassword, which only the enrollment calls",
    },
  },
  "me-bills": { tables: { Bills: ["GetItem"], "Bills/index/byBillingDate": ["Query"] } },
  "me-contract": {
    tables: { Contracts: ["GetItem"] },
    neverSent: { "dynamodb:Query": "customerBilling().listBills, which only me-bills calls" },
  },
  // Reads only, each under the customer's key; the Query of the table itself (no index) for the
  // bills and the events.
  "me-export": {
    tables: {
      Accounts: ["GetItem"],
      Profiles: ["GetItem"],
      Bills: ["Query"],
      Contracts: ["GetItem"],
      Notices: ["BatchGetItem"],
      AccountEvents: ["Query"],
    },
  },
  authorizer: {
    tables: { Profiles: ["GetItem"] },
    neverSent: { "dynamodb:UpdateItem": "customerProfiles().update, which only me calls" },
  },
  // Expires unconfirmed enrollments 24 h old: finds them on the pendingSince index, clears the
  // profile, deletes the account's Cognito users (after checking whose they are).
  "enrollment-sweeper": {
    tables: { Profiles: ["GetItem", "UpdateItem"], "Profiles/index/pendingSince": ["Query"] },
    neverSent: {
      "cognito-idp:AdminCreateUser": "cognitoIdentity().createUser, which only the enrollment calls",
      "cognito-idp:AdminSetUserPassword": "cognitoIdentity().setPassword, which only the enrollment calls",
      "cognito-idp:AdminUpdateUserAttributes":
        "cognitoIdentity().markEmailVerified, which only the confirmation calls",
      "cognito-idp:AdminDisableUser":
        "cognitoIdentity().disableUser, which only a profile's removal calls (me, the support and import CLIs)",
    },
  },
  "step-up-codes": {
    tables: { Security: ["GetItem"], Accounts: ["GetItem"] },
    neverSent: {
      "dynamodb:PutItem": "challengeStore().create, which only the verification calls",
      "dynamodb:UpdateItem": "challengeStore().tryCode, which only the verification calls",
      "dynamodb:DeleteItem": "challengeStore().consume, which only the verification calls",
    },
  },
  // The fan-out: one task per shard on the dispatch queue, no table.
  "notice-dispatcher": {},
  "notice-dispatch-worker": {
    tables: {
      "Bills/index/pendingNotices": ["Query"],
      // Settles a bill whose notice is decided (REMOVE noticeShard).
      Bills: ["UpdateItem"],
      Profiles: ["BatchGetItem"],
      Notices: ["UpdateItem"],
    },
    neverSent: {
      "dynamodb:GetItem": "pendingBills().get and noticeProfiles().get, which only the sender calls",
    },
  },
  "notice-sender": {
    tables: {
      Bills: ["GetItem", "UpdateItem"],
      Profiles: ["GetItem"],
      Notices: ["UpdateItem"],
    },
    neverSent: {
      "dynamodb:Query": "pendingBills().page, which only the dispatcher calls",
      "dynamodb:BatchGetItem": "noticeProfiles().getMany, which only the dispatcher calls",
    },
  },
  "ses-events": {
    tables: { "Profiles/index/byEmail": ["Query"], Profiles: ["UpdateItem"] },
  },
};
