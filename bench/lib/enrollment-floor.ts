/**
 * The floor of each enrollment flow: the very AWS calls its handler makes (same clients, same
 * operations, same tables, keys, expressions and item sizes, same order, and the same calls in
 * flight together), sent directly with the SDK and nothing else. Every input is computed by
 * `prepare…` before the clock starts; `run()` only awaits the calls, one level after the other and
 * each level's calls at once, as the handler does.
 *
 * Keep these in step with lambdas/adapters/{security-store,enrollment-quota,failure-budget,
 * account-events,profile-store,cognito-identity,ses-mailer}.ts and the use cases' order
 * (lambdas/domain/enrollment): the section compares the calls of each floor with those of its
 * handler, level by level, and warns when they differ.
 */
import { randomBytes, randomUUID } from "node:crypto";
import {
  AdminCreateUserCommand,
  AdminGetUserCommand,
  AdminSetUserPasswordCommand,
  AdminUpdateUserAttributesCommand,
  type CognitoIdentityProviderClient,
} from "@aws-sdk/client-cognito-identity-provider";
import { type SESv2Client, SendEmailCommand } from "@aws-sdk/client-sesv2";
import {
  BatchGetCommand,
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  UpdateCommand,
} from "@aws-sdk/lib-dynamodb";
import { BUDGET_BUCKET_MS, BUDGET_BUCKETS, BUDGET_SHARDS } from "../../lambdas/adapters/failure-budget";
import { CUSTOMER_NUMBER_CLAIM } from "../../lambdas/definitions/user-pool";
import { confirmationEmail } from "../../lambdas/domain/emails/confirmation-email";
import {
  type LimiterConfig,
  releaseAttempt,
  reserveAttempt,
  stateExpiry,
} from "../../lambdas/domain/enrollment/attempt-window";
import { quotaExpiry } from "../../lambdas/domain/enrollment/email-quota";
import {
  CONFIRMATION_TTL_SECONDS,
  ENROLLMENT_EMAIL_QUOTA,
  ENROLLMENT_LOCK_SECONDS,
} from "../../lambdas/domain/enrollment/enroll";
import { confirmationToken, newToken, tokenHash } from "../../lambdas/domain/enrollment/tokens";
import { VERIFICATION_TOKEN_TTL_SECONDS } from "../../lambdas/domain/enrollment/verify-ownership";
import type { Language } from "../../lambdas/domain/language";
import { eventExpiryEpoch } from "../../lambdas/domain/support/account-events";

export interface FloorDeps {
  readonly ddb: DynamoDBDocumentClient;
  readonly cognito: CognitoIdentityProviderClient;
  readonly ses: SESv2Client;
  readonly tables: {
    readonly accounts: string;
    readonly profiles: string;
    readonly security: string;
    readonly accountEvents: string;
  };
  /** The attempt limiter's configuration (the verification function's). */
  readonly limits: LimiterConfig;
  readonly userPoolId: string;
  readonly mail: { readonly from: string; readonly configurationSet?: string; readonly supportPhone: string };
  readonly webBaseUrl: string;
  /** The current key of the confirmation tokens, as the enrollments function derives them. */
  readonly confirmationKey: Uint8Array;
}

export interface FloorRun {
  run(): Promise<void>;
}

const epochSeconds = (ms: number) => Math.ceil(ms / 1000);
/** The source address of the bench's events (api-event.ts), as the handler masks it. */
const MASKED_SOURCE_IP = "127.0.0.x";

/** One level of the critical path: its calls at once. */
type Level = readonly (() => Promise<unknown>)[];
async function runLevels(levels: readonly Level[]): Promise<void> {
  for (const level of levels) {
    if (level.length === 1) await (level[0] as () => Promise<unknown>)();
    else await Promise.all(level.map((call) => call()));
  }
}

/** AttemptLimiter.reserve on a fresh customer number: the read, then the write of version 1. */
function reserveFresh(deps: FloorDeps, customerNumber: string, nowMs: number) {
  const key = { pk: `ATTEMPTS#${customerNumber}` };
  const reserved = reserveAttempt({ attempts: [] }, nowMs, deps.limits);
  if (!reserved.allowed) throw new Error("bench floor: a fresh customer number was refused");
  const read = { TableName: deps.tables.security, Key: key, ConsistentRead: true };
  const write = (next: { attempts: readonly number[] }, version: number) => ({
    TableName: deps.tables.security,
    Key: key,
    UpdateExpression: "SET attempts = :attempts, version = :next, expiresAtEpoch = :exp",
    ConditionExpression: "attribute_not_exists(pk) OR version = :version",
    ExpressionAttributeValues: {
      ":attempts": [...next.attempts],
      ":version": version,
      ":next": version + 1,
      ":exp": epochSeconds(stateExpiry(next)),
    },
  });
  const released = releaseAttempt(reserved.next, reserved.reservation);
  return { read, reserve: write(reserved.next, 0), release: write(released, 1) };
}

/** AccountDirectory.lookup: the account and its profile in one BatchGetItem. */
function lookup(deps: FloorDeps, customerNumber: string) {
  return {
    RequestItems: {
      [deps.tables.accounts]: { Keys: [{ customerNumber }], ConsistentRead: true },
      [deps.tables.profiles]: { Keys: [{ customerNumber }], ConsistentRead: true },
    },
  };
}

/** The handler's account event of a bill verification (accountEventRecorder). */
function accountEvent(deps: FloorDeps, customerNumber: string, outcome: string) {
  const at = new Date().toISOString();
  return {
    TableName: deps.tables.accountEvents,
    Item: {
      kind: "verification",
      at,
      outcome,
      method: "bill",
      sourceIp: MASKED_SOURCE_IP,
      customerNumber,
      eventKey: `${at}#${randomBytes(4).toString("hex")}`,
      expiresAtEpoch: eventExpiryEpoch(new Date(at)),
    },
  };
}

/**
 * Verification that succeeds (outside step-up, the budget's count cached): reserve (read, write),
 * lookup, then the reservation's give-back (read, write) while the token's hash is put, then the
 * account event.
 */
export function prepareVerified(
  deps: FloorDeps,
  customerNumber: string,
): FloorRun & { readonly token: string } {
  const nowMs = Date.now();
  const token = newToken();
  const expiresAtMs = nowMs + VERIFICATION_TOKEN_TTL_SECONDS * 1000;
  const attempts = reserveFresh(deps, customerNumber, nowMs);
  const read = lookup(deps, customerNumber);
  const issue = {
    TableName: deps.tables.security,
    Item: {
      pk: `VTOKEN#${tokenHash(token)}`,
      customerNumber,
      expiresAtMs,
      expiresAtEpoch: epochSeconds(expiresAtMs) + 3600,
    },
    ConditionExpression: "attribute_not_exists(pk)",
  };
  const event = accountEvent(deps, customerNumber, "verified");
  const { ddb } = deps;
  return {
    token,
    run: () =>
      runLevels([
        [() => ddb.send(new GetCommand(attempts.read))],
        [() => ddb.send(new UpdateCommand(attempts.reserve))],
        [() => ddb.send(new BatchGetCommand(read))],
        [
          async () => {
            await ddb.send(new GetCommand(attempts.read));
            await ddb.send(new UpdateCommand(attempts.release));
          },
          () => ddb.send(new PutCommand(issue)),
        ],
        [() => ddb.send(new PutCommand(event))],
      ]),
  };
}

/**
 * Verification that fails, known customer with a wrong code or unknown customer alike: reserve and
 * lookup; the failure counted in the stage's budget (an ADD on a random shard), whose count is read
 * again at once (answered outside step-up: 12 buckets × 8 shards in one BatchGetItem); the account
 * event. The first failure of a window starts no lockout: no limiter write.
 */
export function prepareFailed(deps: FloorDeps, customerNumber: string): FloorRun {
  const nowMs = Date.now();
  const attempts = reserveFresh(deps, customerNumber, nowMs);
  const read = lookup(deps, customerNumber);
  const bucket = Math.floor(nowMs / BUDGET_BUCKET_MS) * BUDGET_BUCKET_MS;
  const budgetAdd = {
    TableName: deps.tables.security,
    Key: { pk: `FAILURES#${bucket}#${Math.floor(Math.random() * BUDGET_SHARDS)}` },
    UpdateExpression: "ADD failures :one SET expiresAtEpoch = :exp",
    ExpressionAttributeValues: {
      ":one": 1,
      ":exp": Math.ceil((bucket + (BUDGET_BUCKETS + 1) * BUDGET_BUCKET_MS) / 1000),
    },
  };
  const keys: { pk: string }[] = [];
  for (let b = 0; b < BUDGET_BUCKETS; b++) {
    for (let s = 0; s < BUDGET_SHARDS; s++)
      keys.push({ pk: `FAILURES#${bucket - b * BUDGET_BUCKET_MS}#${s}` });
  }
  const budgetCount = { RequestItems: { [deps.tables.security]: { Keys: keys } } };
  const event = accountEvent(deps, customerNumber, "failed");
  const { ddb } = deps;
  return {
    run: () =>
      runLevels([
        [() => ddb.send(new GetCommand(attempts.read))],
        [() => ddb.send(new UpdateCommand(attempts.reserve))],
        [() => ddb.send(new BatchGetCommand(read))],
        [() => ddb.send(new UpdateCommand(budgetAdd))],
        [() => ddb.send(new BatchGetCommand(budgetCount))],
        [() => ddb.send(new PutCommand(event))],
      ]),
  };
}

export interface FloorEnrollment {
  readonly customerNumber: string;
  readonly verificationToken: string;
  readonly email: string;
  readonly password: string;
  readonly language: Language;
}

/**
 * A first enrollment (201): consume the verification token; take a slot of the account's e-mail
 * cap (read, write); take the profile's lock (no read before it: its condition says why it would
 * refuse); create the Cognito user; set its password while the confirmation token is put; complete
 * the profile; send the e-mail; mark it sent.
 */
export function prepareEnrollment(
  deps: FloorDeps,
  request: FloorEnrollment,
): FloorRun & { readonly confirmationToken: string } {
  const now = new Date();
  const nowMs = now.getTime();
  const { customerNumber, email, language } = request;
  const enrollmentId = tokenHash(request.verificationToken);
  const lockOwner = randomUUID();
  const token = confirmationToken(deps.confirmationKey, enrollmentId);
  const hash = tokenHash(token);
  const ctokenExpiresMs = nowMs + CONFIRMATION_TTL_SECONDS * 1000;
  const link = `${deps.webBaseUrl.replace(/\/+$/, "")}/confirmation?token=${token}`;
  const rendered = confirmationEmail({ language, link, supportPhone: deps.mail.supportPhone });
  const security = deps.tables.security;
  const profiles = deps.tables.profiles;
  const consume = {
    TableName: security,
    Key: { pk: `VTOKEN#${enrollmentId}` },
    UpdateExpression: "SET usedBy = :email, usedAt = if_not_exists(usedAt, :now)",
    ConditionExpression:
      "attribute_exists(pk) AND expiresAtMs > :now AND (attribute_not_exists(usedBy) OR usedBy = :email)",
    ExpressionAttributeValues: { ":email": email, ":now": nowMs },
    ReturnValues: "ALL_NEW" as const,
  };
  const quotaKey = { pk: `ENROLLMENT_EMAILS#${customerNumber}` };
  const quotaRead = { TableName: security, Key: quotaKey, ConsistentRead: true };
  const sends = [{ id: enrollmentId, at: nowMs }];
  const quotaWrite = {
    TableName: security,
    Key: quotaKey,
    UpdateExpression: "SET sends = :sends, version = :next, expiresAtEpoch = :exp",
    ConditionExpression: "attribute_not_exists(pk) OR version = :version",
    ExpressionAttributeValues: {
      ":sends": sends,
      ":version": 0,
      ":next": 1,
      ":exp": epochSeconds(quotaExpiry({ sends, notified: [] }, ENROLLMENT_EMAIL_QUOTA)) + 3600,
    },
  };
  const acquire = {
    TableName: profiles,
    Key: { customerNumber },
    UpdateExpression:
      "SET enrollmentId = :id, lockOwner = :owner, lockedUntil = :until, pendingEmail = :email, pendingLanguage = :lang, " +
      "#status = if_not_exists(#status, :pending), billing = if_not_exists(billing, :paper), updatedAt = :iso, " +
      "pendingSince = if_not_exists(pendingSince, :now) " +
      "ADD cognitoEmails :emails",
    ConditionExpression:
      "attribute_not_exists(customerNumber) OR ((attribute_not_exists(#status) OR #status <> :active) AND " +
      "(attribute_not_exists(lockedUntil) OR lockedUntil < :now) AND " +
      "NOT (completedEnrollmentId = :id AND emailSentFor = :id) AND " +
      "NOT (contains(completedEnrollments, :id) AND " +
      "(attribute_not_exists(completedEnrollmentId) OR completedEnrollmentId <> :id)))",
    ExpressionAttributeNames: { "#status": "status" },
    ExpressionAttributeValues: {
      ":id": enrollmentId,
      ":owner": lockOwner,
      ":until": nowMs + ENROLLMENT_LOCK_SECONDS * 1000,
      ":email": email,
      ":lang": language,
      ":pending": "PENDING_CONFIRMATION",
      ":paper": "paper",
      ":active": "ACTIVE",
      ":now": nowMs,
      ":iso": now.toISOString(),
      ":emails": new Set([email]),
    },
    ReturnValues: "ALL_NEW" as const,
    ReturnValuesOnConditionCheckFailure: "ALL_OLD" as const,
  };
  const createUser = {
    UserPoolId: deps.userPoolId,
    Username: email,
    MessageAction: "SUPPRESS" as const,
    UserAttributes: [
      { Name: "email", Value: email },
      { Name: "email_verified", Value: "false" },
      { Name: "locale", Value: language === "en" ? "en-CA" : "fr-CA" },
      { Name: CUSTOMER_NUMBER_CLAIM, Value: customerNumber },
    ],
  };
  const setPassword = {
    UserPoolId: deps.userPoolId,
    Username: email,
    Password: request.password,
    Permanent: true,
  };
  const storeToken = {
    TableName: security,
    Item: {
      pk: `CTOKEN#${hash}`,
      customerNumber,
      expiresAtMs: ctokenExpiresMs,
      expiresAtEpoch: epochSeconds(ctokenExpiresMs) + 3600,
    },
  };
  const complete = {
    TableName: profiles,
    Key: { customerNumber },
    UpdateExpression:
      "SET email = :email, #language = :lang, confirmationTokenHash = :hash, completedEnrollmentId = :id, " +
      "#status = :pending, lockedUntil = :zero, pendingSince = :since " +
      "REMOVE pendingEmail, pendingLanguage ADD completedEnrollments :ids",
    ConditionExpression: "lockOwner = :owner AND #status <> :active",
    ExpressionAttributeNames: { "#status": "status", "#language": "language" },
    ExpressionAttributeValues: {
      ":email": email,
      ":lang": language,
      ":hash": hash,
      ":id": enrollmentId,
      ":ids": new Set([enrollmentId]),
      ":owner": lockOwner,
      ":pending": "PENDING_CONFIRMATION",
      ":active": "ACTIVE",
      ":zero": 0,
      ":since": nowMs,
    },
  };
  const sendEmail = {
    FromEmailAddress: deps.mail.from,
    Destination: { ToAddresses: [email] },
    ...(deps.mail.configurationSet ? { ConfigurationSetName: deps.mail.configurationSet } : {}),
    Content: {
      Simple: {
        Subject: { Data: rendered.subject, Charset: "UTF-8" },
        Body: {
          Text: { Data: rendered.text, Charset: "UTF-8" },
          Html: { Data: rendered.html, Charset: "UTF-8" },
        },
      },
    },
  };
  const markSent = {
    TableName: profiles,
    Key: { customerNumber },
    UpdateExpression: "SET emailSentFor = :id",
    ConditionExpression: "completedEnrollmentId = :id",
    ExpressionAttributeValues: { ":id": enrollmentId },
  };
  const { ddb, cognito, ses } = deps;
  return {
    confirmationToken: token,
    run: () =>
      runLevels([
        [() => ddb.send(new UpdateCommand(consume))],
        [() => ddb.send(new GetCommand(quotaRead))],
        [() => ddb.send(new UpdateCommand(quotaWrite))],
        [() => ddb.send(new UpdateCommand(acquire))],
        [() => cognito.send(new AdminCreateUserCommand(createUser))],
        [
          () => cognito.send(new AdminSetUserPasswordCommand(setPassword)),
          () => ddb.send(new PutCommand(storeToken)),
        ],
        [() => ddb.send(new UpdateCommand(complete))],
        [() => ses.send(new SendEmailCommand(sendEmail))],
        [() => ddb.send(new UpdateCommand(markSent))],
      ]),
  };
}

/**
 * The confirmation link (200): read the token; read the profile while the account's contact on
 * file is read; whose the user is (AdminGetUser); verify the e-mail in Cognito; activate. The
 * bench's accounts have no contact e-mail: no "was this you?" e-mail.
 */
export function prepareConfirmation(
  deps: FloorDeps,
  request: { readonly customerNumber: string; readonly confirmationToken: string; readonly email: string },
): FloorRun {
  const now = new Date();
  const hash = tokenHash(request.confirmationToken);
  const { customerNumber, email } = request;
  const findToken = { TableName: deps.tables.security, Key: { pk: `CTOKEN#${hash}` }, ConsistentRead: true };
  const getProfile = { TableName: deps.tables.profiles, Key: { customerNumber }, ConsistentRead: true };
  const getContact = {
    TableName: deps.tables.accounts,
    Key: { customerNumber },
    ProjectionExpression: "contactEmail, #l",
    ExpressionAttributeNames: { "#l": "language" },
  };
  const getUser = { UserPoolId: deps.userPoolId, Username: email };
  const verifyEmail = {
    UserPoolId: deps.userPoolId,
    Username: email,
    UserAttributes: [
      { Name: "email", Value: email },
      { Name: "email_verified", Value: "true" },
    ],
  };
  const activate = {
    TableName: deps.tables.profiles,
    Key: { customerNumber },
    UpdateExpression:
      "SET #status = :active, billing = :electronic, activatedAt = :iso, electronicSince = :iso, emailVerified = :true " +
      "REMOVE pendingSince",
    ConditionExpression:
      "confirmationTokenHash = :hash AND attribute_not_exists(pendingEmail) AND #status <> :active",
    ExpressionAttributeNames: { "#status": "status" },
    ExpressionAttributeValues: {
      ":active": "ACTIVE",
      ":electronic": "electronic",
      ":iso": now.toISOString(),
      ":true": true,
      ":hash": hash,
    },
  };
  const { ddb, cognito } = deps;
  return {
    run: () =>
      runLevels([
        [() => ddb.send(new GetCommand(findToken))],
        [() => ddb.send(new GetCommand(getProfile)), () => ddb.send(new GetCommand(getContact))],
        [() => cognito.send(new AdminGetUserCommand(getUser))],
        [() => cognito.send(new AdminUpdateUserAttributesCommand(verifyEmail))],
        [() => ddb.send(new UpdateCommand(activate))],
      ]),
  };
}
