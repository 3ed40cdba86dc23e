import type { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import type { CfnElement } from "aws-cdk-lib";
import { Template } from "aws-cdk-lib/assertions";
import type { IConstruct } from "constructs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { attemptLimiter, challengeStore } from "../../lambdas/adapters/security-store";
import { handlerEntry } from "../../lambdas/definitions/bundling";
import { buildApp } from "../../lib/app";
import { repoRoot } from "../../lib/config/paths";
import { stageNames } from "../../lib/config/stages";
import { ApiFunction } from "../../lib/constructs/api-function";
import { leastPrivilegeProblems, tableAccess } from "../support/iam/least-privilege";
import { ResourceNamer, roleGrants, type TemplateJson } from "../support/iam/role-policies";
import { sdkImportsOf } from "../support/iam/sdk-imports";
import { testApp } from "./infra-app";
import { expectedAccess } from "./least-privilege.expected";

/**
 * Least privilege, checked against the code: each function's handler is bundled as it is deployed
 * (lambdas/definitions/bundling.ts, tree-shaken), the `@aws-sdk/*` names that survive become IAM
 * actions (test/support/iam/command-actions.ts), and the role's policies in the synthesized template
 * must allow those and nothing more, apart from what Lambda itself uses the role for (logs, X-Ray,
 * event source polling). Where each DynamoDB action is allowed is held to least-privilege.expected.ts.
 */
describe.each(stageNames)("least privilege, stage %s", (stageName) => {
  const { app, dispose } = testApp();
  const built = buildApp(stageName, app);
  const stateless = Template.fromStack(built.stateless).toJSON() as TemplateJson;
  const stateful = Template.fromStack(built.stateful).toJSON() as TemplateJson;
  const tableNames = new Map<IConstruct, string>(
    [...built.stateful.tables].map(([id, t]) => [t, `table:${id}`]),
  );
  const namer = new ResourceNamer(
    [
      { stack: built.stateless, template: stateless },
      { stack: built.stateful, template: stateful },
    ],
    tableNames,
  );
  const functions = built.stateless.node
    .findAll()
    .filter((c): c is ApiFunction => c instanceof ApiFunction)
    .map((fn) => ({ entry: fn.entry, fn }));
  const logicalId = (construct: IConstruct) =>
    built.stateless.getLogicalId(construct.node.defaultChild as CfnElement);
  afterAll(dispose);
  // Every bundle at once (esbuild runs them in parallel), once for every stage.
  beforeAll(() => Promise.all(functions.map(({ entry }) => sdkImportsOf(repoRoot, handlerEntry(entry)))));

  it("knows every Lambda function of the stack: each is an ApiFunction with an expectation", () => {
    const known = new Set(functions.map(({ fn }) => logicalId(fn.function)));
    const lambdas = Object.entries(stateless.Resources)
      .filter(([, r]) => r.Type === "AWS::Lambda::Function")
      .map(([id]) => id);
    expect(
      lambdas.filter((id) => !known.has(id)),
      "functions not made by ApiFunction: this test cannot bundle them",
    ).toEqual([]);
    const missing = functions.filter(({ entry }) => !(entry in expectedAccess)).map(({ entry }) => entry);
    expect(missing, "add these handlers to test/infra/least-privilege.expected.ts").toEqual([]);
    const stale = Object.keys(expectedAccess).filter((entry) => !functions.some((f) => f.entry === entry));
    expect(stale, "expectations of functions that no longer exist").toEqual([]);
  });

  it.each(functions)(
    "$entry: its role allows what its bundle sends, and nothing more",
    async ({ entry, fn }) => {
      const fnId = logicalId(fn.function);
      const properties = stateless.Resources[fnId]?.Properties ?? {};
      const roleId = ((properties.Role as { "Fn::GetAtt": [string, string] })["Fn::GetAtt"] ??
        [])[0] as string;
      const logGroupId = (properties.LoggingConfig as { LogGroup: { Ref: string } }).LogGroup.Ref;
      const eventSourceQueues = Object.values(stateless.Resources)
        .filter((r) => r.Type === "AWS::Lambda::EventSourceMapping")
        .filter((r) => (r.Properties?.FunctionName as { Ref?: string } | undefined)?.Ref === fnId)
        .map((r) => namer.name(r.Properties?.EventSourceArn, built.stateless.stackName));
      const problems = leastPrivilegeProblems({
        entry,
        path: fn.node.path,
        sdkImports: await sdkImportsOf(repoRoot, handlerEntry(entry)),
        grants: roleGrants(stateless, roleId, namer, built.stateless.stackName),
        infrastructure: {
          logGroup: namer.name({ "Fn::GetAtt": [logGroupId, "Arn"] }, built.stateless.stackName),
          eventSourceQueues,
        },
        expected: expectedAccess[entry],
      });
      expect(problems).toEqual([]);
    },
  );

  it("lets the verification delete step-up challenges and nothing else of the security table", async () => {
    const verifications = functions.find((f) => f.entry === "verifications");
    if (!verifications) throw new Error("no verifications function");
    const roleId = logicalId(verifications.fn.role);
    const deletes = tableAccess(roleGrants(stateless, roleId, namer, built.stateless.stackName))
      .Security?.filter((a) => a.startsWith("DeleteItem"))
      .map((a) => /dynamodb:LeadingKeys=(.*)$/.exec(a)?.[1] ?? "(any key)");
    expect(deletes).toEqual(["CHALLENGE#*"]);
    // The keys the code really writes, through a client that records them.
    const keys: string[] = [];
    const client = {
      send: async (command: { input: { Key?: { pk: string } } }) => {
        if (command.input.Key) keys.push(command.input.Key.pk);
        return {};
      },
    } as unknown as DynamoDBDocumentClient;
    await challengeStore(client, "security").consume("hash");
    const [challenge] = keys.splice(0);
    await attemptLimiter(client, "security", {} as never).clear("123456789");
    const [lockout] = keys.splice(0);
    const allowed = (key = "") => (deletes ?? []).some((p) => key.startsWith(p.replace(/\*$/, "")));
    expect([challenge, allowed(challenge)]).toEqual(["CHALLENGE#hash", true]);
    expect([lockout, allowed(lockout)]).toEqual(["ATTEMPTS#123456789", false]);
  });
});
