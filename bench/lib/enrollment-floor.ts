/**
 * The floor of each enrollment flow: the very AWS calls its handler makes (same clients, same
 * operations, same tables, keys, expressions and item sizes, same order), sent directly with the SDK
 * and nothing else. Every input is computed by `prepare…` before the clock starts; `run()` only
 * awaits the calls one after the other, as the handler does.
 *
 * Keep these in step with lambdas/adapters/{security-store,profile-store,cognito-identity,ses-mailer}.ts:
 * the section compares the calls of each floor with those of its handler and warns when they differ.
 */
import {
  AdminCreateUserCommand,
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
import { CUSTOMER_NUMBER_CLAIM } from "../../lambdas/definitions/user-pool";
import { confirmationEmail } from "../../lambdas/domain/emails/confirmation-email";
import { CONFIRMATION_TTL_SECONDS, ENROLLMENT_LOCK_SECONDS } from "../../lambdas/domain/enrollment/enroll";
import { confirmationToken, newToken, tokenHash } from "../../lambdas/domain/enrollment/tokens";
import { VERIFICATION_TOKEN_TTL_SECONDS } from "../../lambdas/domain/enrollment/verify-ownership";
import type { Language } from "../../lambdas/domain/language";

export interface FloorDeps {
  readonly ddb: DynamoDBDocumentClient;
  readonly cognito: CognitoIdentityProviderClient;
  readonly ses: SESv2Client;
  readonly tables: { readonly accounts: string; readonly profiles: string; readonly security: string };
  readonly windowSeconds: number;
  readonly userPoolId: string;
  readonly mail: { readonly from: string; readonly configurationSet?: string; readonly supportPhone: string };
  readonly webBaseUrl: string;
  /** The current key of the confirmation tokens, as the enrollments function derives them. */
  readonly confirmationKey: Uint8Array;
}

export interface FloorRun {
  run(): Promise<void>;
}

/** The security store's memory of lockouts (not exported there): a day. */
const LOCKOUT_MEMORY_SECONDS = 24 * 60 * 60;
const epochSeconds = (ms: number) => Math.ceil(ms / 1000);

/** AttemptLimiter.reserve on a customer number without a window: the first UpdateItem succeeds. */
function reserveNewWindow(deps: FloorDeps, customerNumber: string, nowMs: number) {
  const exp = epochSeconds(nowMs + Math.max(deps.windowSeconds, LOCKOUT_MEMORY_SECONDS) * 1000);
  return new UpdateCommand({
    TableName: deps.tables.security,
    Key: { pk: `ATTEMPTS#${customerNumber}` },
    UpdateExpression: "SET attempts = :one, windowStart = :now, expiresAtEpoch = :exp",
    ConditionExpression:
      "(attribute_not_exists(pk) OR windowStart < :floor) AND (attribute_not_exists(lockedUntil) OR lockedUntil <= :now)",
    ExpressionAttributeValues: {
      ":one": 1,
      ":now": nowMs,
      ":floor": nowMs - deps.windowSeconds * 1000,
      ":exp": exp,
    },
    ReturnValues: "ALL_NEW",
  });
}

/** AccountDirectory.lookup: the account and its profile in one BatchGetItem. */
function lookup(deps: FloorDeps, customerNumber: string) {
  return new BatchGetCommand({
    RequestItems: {
      [deps.tables.accounts]: { Keys: [{ customerNumber }], ConsistentRead: true },
      [deps.tables.profiles]: { Keys: [{ customerNumber }], ConsistentRead: true },
    },
  });
}

/** Verification that succeeds: reserve, lookup, reset, PutItem of the token's hash. */
export function prepareVerified(
  deps: FloorDeps,
  customerNumber: string,
): FloorRun & { readonly token: string } {
  const nowMs = Date.now();
  const token = newToken();
  const expiresAtMs = nowMs + VERIFICATION_TOKEN_TTL_SECONDS * 1000;
  const inputs = {
    reserve: reserveNewWindow(deps, customerNumber, nowMs).input,
    lookup: lookup(deps, customerNumber).input,
    reset: {
      TableName: deps.tables.security,
      Key: { pk: `ATTEMPTS#${customerNumber}` },
      UpdateExpression: "SET attempts = :zero, windowStart = :zero",
      ExpressionAttributeValues: { ":zero": 0 },
    },
    issue: {
      TableName: deps.tables.security,
      Item: {
        pk: `VTOKEN#${tokenHash(token)}`,
        customerNumber,
        expiresAtMs,
        expiresAtEpoch: epochSeconds(expiresAtMs) + 3600,
      },
      ConditionExpression: "attribute_not_exists(pk)",
    },
  };
  return {
    token,
    async run() {
      await deps.ddb.send(new UpdateCommand(inputs.reserve));
      await deps.ddb.send(new BatchGetCommand(inputs.lookup));
      await deps.ddb.send(new UpdateCommand(inputs.reset));
      await deps.ddb.send(new PutCommand(inputs.issue));
    },
  };
}

/**
 * Verification that fails, known customer with a wrong code or unknown customer alike: reserve and
 * lookup (the first failure of a window records nothing more).
 */
export function prepareFailed(deps: FloorDeps, customerNumber: string): FloorRun {
  const nowMs = Date.now();
  const reserve = reserveNewWindow(deps, customerNumber, nowMs).input;
  const read = lookup(deps, customerNumber).input;
  return {
    async run() {
      await deps.ddb.send(new UpdateCommand(reserve));
      await deps.ddb.send(new BatchGetCommand(read));
    },
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
 * A first enrollment (201): consume the verification token, read the profile, take its lock,
 * create the Cognito user and set its password, store the confirmation token, complete the
 * profile, send the e-mail, mark it sent.
 */
export function prepareEnrollment(
  deps: FloorDeps,
  request: FloorEnrollment,
): FloorRun & { readonly confirmationToken: string } {
  const now = new Date();
  const nowMs = now.getTime();
  const { customerNumber, email, language } = request;
  const enrollmentId = tokenHash(request.verificationToken);
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
  const getProfile = { TableName: profiles, Key: { customerNumber }, ConsistentRead: true };
  const acquire = {
    TableName: profiles,
    Key: { customerNumber },
    UpdateExpression:
      "SET enrollmentId = :id, lockedUntil = :until, pendingEmail = :email, pendingLanguage = :lang, " +
      "#status = if_not_exists(#status, :pending), billing = if_not_exists(billing, :paper), updatedAt = :iso " +
      "ADD cognitoEmails :emails",
    ConditionExpression:
      "attribute_not_exists(customerNumber) OR (#status <> :active AND " +
      "(attribute_not_exists(lockedUntil) OR lockedUntil < :now OR enrollmentId = :id))",
    ExpressionAttributeNames: { "#status": "status" },
    ExpressionAttributeValues: {
      ":id": enrollmentId,
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
      "#status = :pending, lockedUntil = :zero REMOVE pendingEmail, pendingLanguage",
    ConditionExpression: "enrollmentId = :id AND #status <> :active",
    ExpressionAttributeNames: { "#status": "status", "#language": "language" },
    ExpressionAttributeValues: {
      ":email": email,
      ":lang": language,
      ":hash": hash,
      ":id": enrollmentId,
      ":pending": "PENDING_CONFIRMATION",
      ":active": "ACTIVE",
      ":zero": 0,
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
  return {
    confirmationToken: token,
    async run() {
      await deps.ddb.send(new UpdateCommand(consume));
      await deps.ddb.send(new GetCommand(getProfile));
      await deps.ddb.send(new UpdateCommand(acquire));
      await deps.cognito.send(new AdminCreateUserCommand(createUser));
      await deps.cognito.send(new AdminSetUserPasswordCommand(setPassword));
      await deps.ddb.send(new PutCommand(storeToken));
      await deps.ddb.send(new UpdateCommand(complete));
      await deps.ses.send(new SendEmailCommand(sendEmail));
      await deps.ddb.send(new UpdateCommand(markSent));
    },
  };
}

/** The confirmation link (200): read the token and the profile, verify the e-mail in Cognito, activate. */
export function prepareConfirmation(
  deps: FloorDeps,
  request: { readonly customerNumber: string; readonly confirmationToken: string; readonly email: string },
): FloorRun {
  const now = new Date();
  const hash = tokenHash(request.confirmationToken);
  const { customerNumber, email } = request;
  const findToken = { TableName: deps.tables.security, Key: { pk: `CTOKEN#${hash}` }, ConsistentRead: true };
  const getProfile = { TableName: deps.tables.profiles, Key: { customerNumber }, ConsistentRead: true };
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
      "SET #status = :active, billing = :electronic, activatedAt = :iso, emailVerified = :true",
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
  return {
    async run() {
      await deps.ddb.send(new GetCommand(findToken));
      await deps.ddb.send(new GetCommand(getProfile));
      await deps.cognito.send(new AdminUpdateUserAttributesCommand(verifyEmail));
      await deps.ddb.send(new UpdateCommand(activate));
    },
  };
}
