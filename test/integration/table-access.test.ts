import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { cognitoClient } from "../../lambdas/adapters/cognito-identity";
import { documentClient } from "../../lambdas/adapters/dynamodb";
import { authorizerFunction } from "../../lambdas/definitions/authorizer";
import { apiFunctions } from "../../lambdas/definitions/routes";
import { tables } from "../../lambdas/definitions/tables";
import { authorizerGrants, type FunctionGrants, functionGrants } from "../../lib/stacks/function-grants";
import { currentFunctionName } from "../../local/lambda-runtime";
import { LOCAL_PREFIX } from "../../local/settings";
import { expectedAccess } from "../infra/least-privilege.expected";
import { apiWorld } from "../support/api-client";
import { startLocalApi } from "../support/local-api";
import { PASSWORD, signedInCustomers } from "../support/signed-in-customer";

/**
 * The other half of the least-privilege test. That one compares each bundle's commands with its
 * role, but which table an action goes to is hand-kept (least-privilege.expected.ts): a bundle does
 * not say it. Here the API's flows run on the emulators, every DynamoDB call of the process's one
 * client is attributed to the function whose invocation made it, and each (table, action) a function
 * really sent must be in its expectation, which the infra test holds the template to. A table access
 * the expectation forgets (so the role lacks it, an AccessDenied in AWS) fails here.
 * Customer numbers of this file: 88xxxxx.
 */
let api: Awaited<ReturnType<typeof startLocalApi>>;
const world = apiWorld(() => api.url);
const customers = signedInCustomers(world, () => api.url);
const signIn = async (email: string) => (await customers.signIn(email)).id;

/** `local-<function>` → the handler entry the expectations are keyed by. */
const entryOf = new Map<string, string>([
  ...Object.entries(apiFunctions).map(([name, fn]) => [`local-${name}`, fn.entry] as [string, string]),
  [`local-${authorizerFunction.name}`, "authorizer"],
]);
const tableIdOf = new Map(tables.map((t) => [`${LOCAL_PREFIX}-${t.id}`, t.id]));

/** `local-<function>` → the grants its role is built from (lib/stacks/function-grants.ts). */
const grantsOf = new Map<string, FunctionGrants>([
  ...Object.entries(functionGrants).map(
    ([name, grants]) => [`local-${name}`, grants] as [string, FunctionGrants],
  ),
  [`local-${authorizerFunction.name}`, authorizerGrants],
]);
/** `local-<function>` → the Cognito actions it sent. */
const poolCalls = new Map<string, Set<string>>();

/** entry → "Table:Action" seen. */
const seen = new Map<string, Set<string>>();
function record(entry: string, access: string) {
  const set = seen.get(entry) ?? new Set<string>();
  set.add(access);
  seen.set(entry, set);
}

beforeAll(async () => {
  api = await startLocalApi();
  documentClient().middlewareStack.add(
    (next, context) => async (args) => {
      const fn = currentFunctionName();
      if (fn) {
        const action = String(context.commandName ?? "").replace(/Command$/, "");
        const input = args.input as { TableName?: string; IndexName?: string; RequestItems?: object };
        const names = input.TableName ? [input.TableName] : Object.keys(input.RequestItems ?? {});
        for (const name of names) {
          const table = tableIdOf.get(name) ?? name;
          record(
            entryOf.get(fn) ?? fn,
            `${input.IndexName ? `${table}/index/${input.IndexName}` : table}:${action}`,
          );
        }
      }
      return next(args);
    },
    { step: "initialize", name: "tableAccessRecorder" },
  );
  cognitoClient().middlewareStack.add(
    (next, context) => async (args) => {
      const fn = currentFunctionName();
      if (fn) {
        const set = poolCalls.get(fn) ?? new Set<string>();
        set.add(`cognito-idp:${String(context.commandName ?? "").replace(/Command$/, "")}`);
        poolCalls.set(fn, set);
      }
      return next(args);
    },
    { step: "initialize", name: "poolAccessRecorder" },
  );
});
afterAll(async () => {
  await api.close();
  world.close();
  customers.close();
});

/** The DynamoDB actions an expectation allows on each table, without conditions. */
function allowed(entry: string): Set<string> {
  const out = new Set<string>();
  for (const [table, actions] of Object.entries(expectedAccess[entry]?.tables ?? {})) {
    for (const action of actions) out.add(`${table}:${action.split(" if ")[0]}`);
  }
  return out;
}

describe("each function's table access, as its flows really run", () => {
  it("stays within what its role is granted, table by table", async () => {
    // Enrollment's flows: a failed and a good verification, an enrollment, the same address taken
    // by another account (the in-use path), a confirmation; then the signed-in routes.
    await world.seedAccount("8800001", { accessCode: "24680" });
    await world.seedAccount("8800002", { accessCode: "24680" });
    expect((await world.verifyBill("8800001", "00000")).status).toBe(403);
    const token = (await world.verifyBill("8800001")).json.verificationToken as string;
    const email = "client.8800001@example.com";
    expect((await world.enroll(token, email, PASSWORD)).status).toBe(201);
    const [link] = await world.confirmationTokensSentTo(email);
    expect((await world.confirm(link as string)).status).toBe(200);
    const other = (await world.verifyBill("8800002")).json.verificationToken as string;
    expect((await world.enroll(other, email.toUpperCase(), PASSWORD)).status).toBe(201);

    const bearer = { Authorization: `Bearer ${await signIn(email)}` };
    const get = (path: string) => fetch(`${api.url}${path}`, { headers: bearer });
    expect((await get("/v1/me")).status).toBe(200);
    const patched = await fetch(`${api.url}/v1/me`, {
      method: "PATCH",
      headers: { ...bearer, "Content-Type": "application/json" },
      body: JSON.stringify({ language: "en" }),
    });
    expect(patched.status).toBe(200);
    expect((await get("/v1/me/bills")).status).toBe(200);
    expect((await get("/v1/me/bills/no-such-bill")).status).toBe(404);
    expect([200, 404]).toContain((await get("/v1/me/contract")).status);
    expect((await get("/v1/me/export")).status).toBe(200);
    expect((await world.post("/v1/me/sign-out", {}, bearer)).status).toBe(204);
    // Signed in again after the sign-out: the customer closes the profile.
    await new Promise((done) => setTimeout(done, 1100));
    const again = { Authorization: `Bearer ${await signIn(email)}` };
    expect((await fetch(`${api.url}/v1/me`, { method: "DELETE", headers: again })).status).toBe(204);

    // Every function these flows ran was seen, and did nothing its role lacks.
    for (const entry of [
      "verifications",
      "enrollments",
      "confirmation",
      "authorizer",
      "me",
      "me-bills",
      "me-contract",
    ]) {
      expect([...seen.keys()], `no DynamoDB call seen for ${entry}`).toContain(entry);
    }
    const problems: string[] = [];
    for (const [entry, accesses] of seen) {
      const grants = allowed(entry);
      for (const access of accesses) {
        if (!grants.has(access)) {
          problems.push(
            `${entry} sends ${access.replace(":", " ")} but test/infra/least-privilege.expected.ts (so its role) does not allow it`,
          );
        }
      }
    }
    // The user pool: every Cognito action a function really sent is among its grants.
    expect([...poolCalls.keys()]).toContain("local-confirmation");
    for (const [fn, actions] of poolCalls) {
      const granted = new Set(grantsOf.get(fn)?.userPoolActions ?? []);
      for (const action of actions) {
        if (!granted.has(action))
          problems.push(`${fn} sends ${action} but lib/stacks/function-grants.ts does not grant it`);
      }
    }
    expect(problems).toEqual([]);
  });
});
