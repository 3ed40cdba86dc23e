import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { PutCommand } from "@aws-sdk/lib-dynamodb";
import { afterAll, describe, expect, inject, it } from "vitest";
import { createDocumentClient } from "../../lambdas/adapters/dynamodb";
import { profileStore } from "../../lambdas/adapters/profile-store";
import { profilesTable } from "../../lambdas/definitions/tables";
import { LOCAL_CREDENTIALS, LOCAL_REGION } from "../../local/settings";

/**
 * The enrollment lock on DynamoDB Local: its one conditional write both takes the lock and, when
 * refused, says why from the item it saw (ReturnValuesOnConditionCheckFailure), so the enrollment
 * reads no profile before it. Each case makes exactly one call.
 */
const { endpoints, environment } = inject("localStack");
const raw = new DynamoDBClient({
  endpoint: endpoints.dynamodb,
  region: LOCAL_REGION,
  credentials: LOCAL_CREDENTIALS,
});
const client = createDocumentClient(raw);
const table = environment[profilesTable.envVar] as string;
const profiles = profileStore(client, table);
afterAll(() => raw.destroy());

const ID = "enrollment-id-of-this-request";
const OTHER = "enrollment-id-of-another-one";
const NOW = new Date();
let next = 9_810_000;

/** A customer number with this profile item (or none), and the calls the lock then makes. */
async function lockOn(item: Record<string, unknown> | undefined) {
  const customerNumber = String(next++);
  if (item) await client.send(new PutCommand({ TableName: table, Item: { customerNumber, ...item } }));
  const calls: string[] = [];
  const send = client.send.bind(client);
  const counting: typeof client = Object.assign(Object.create(client) as typeof client, {
    send: (command: { constructor: { name: string } }, ...rest: unknown[]) => {
      calls.push(command.constructor.name);
      return (send as (...args: unknown[]) => Promise<unknown>)(command, ...rest);
    },
  });
  const result = await profileStore(counting, table).acquire(
    customerNumber,
    { id: ID, lockOwner: "owner-of-this-request", email: "jean@example.com", language: "fr" },
    NOW,
    30,
  );
  return { result, calls };
}

describe("the enrollment lock says why it refused, from the item it saw", () => {
  it.each([
    ["no profile yet", undefined],
    ["an unconfirmed enrollment, lock free", { status: "PENDING_CONFIRMATION", lockedUntil: 0 }],
    [
      "this enrollment completed but its e-mail not recorded (its retry finishes it)",
      {
        status: "PENDING_CONFIRMATION",
        lockedUntil: 0,
        completedEnrollmentId: ID,
        completedEnrollments: new Set([ID]),
      },
    ],
  ])("%s: taken", async (_name, item) => {
    const { result, calls } = await lockOn(item);
    expect(result.acquired).toBe(true);
    expect(calls).toEqual(["UpdateCommand"]);
  });

  it.each([
    ["an active profile", { status: "ACTIVE", lockedUntil: 0 }, "ALREADY_ENROLLED"],
    [
      "an active profile whose lock is held",
      { status: "ACTIVE", lockedUntil: NOW.getTime() + 60_000 },
      "ALREADY_ENROLLED",
    ],
    [
      "another request holds the lock",
      { status: "PENDING_CONFIRMATION", lockedUntil: NOW.getTime() + 60_000, enrollmentId: OTHER },
      "ENROLLMENT_IN_PROGRESS",
    ],
    [
      "this enrollment done (its link e-mailed)",
      {
        status: "PENDING_CONFIRMATION",
        lockedUntil: 0,
        completedEnrollmentId: ID,
        emailSentFor: ID,
        completedEnrollments: new Set([ID]),
      },
      "COMPLETED",
    ],
    [
      "this enrollment replaced by a newer one",
      {
        status: "PENDING_CONFIRMATION",
        lockedUntil: 0,
        completedEnrollmentId: OTHER,
        emailSentFor: OTHER,
        completedEnrollments: new Set([ID, OTHER]),
      },
      "COMPLETED",
    ],
    [
      "this enrollment completed, then expired (no status, no current enrollment)",
      { lockedUntil: 0, completedEnrollments: new Set([ID]) },
      "COMPLETED",
    ],
  ])("%s: refused with %s, in one call", async (_name, item, reason) => {
    const { result, calls } = await lockOn(item);
    expect(result).toEqual({ acquired: false, reason });
    expect(calls).toEqual(["UpdateCommand"]);
  });

  it("a refused lock writes nothing", async () => {
    const customerNumber = String(next++);
    const item = { customerNumber, status: "ACTIVE", lockedUntil: 0, email: "x@example.com" };
    await client.send(new PutCommand({ TableName: table, Item: item }));
    await profiles.acquire(
      customerNumber,
      { id: ID, lockOwner: "o", email: "jean@example.com", language: "fr" },
      NOW,
      30,
    );
    expect(await profiles.get(customerNumber)).toMatchObject({ ...item, cognitoEmails: [] });
    expect((await profiles.get(customerNumber))?.pendingEmail).toBeUndefined();
  });
});
