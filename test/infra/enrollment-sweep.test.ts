import { Match, Template } from "aws-cdk-lib/assertions";
import type { CfnFunction } from "aws-cdk-lib/aws-lambda";
import { afterAll, describe, expect, it } from "vitest";
import { PENDING_INDEX, profilesTable } from "../../lambdas/definitions/tables";
import { buildApp } from "../../lib/app";
import { stageNames } from "../../lib/config/stages";
import { testApp } from "./infra-app";

describe.each(stageNames)("enrollment sweep, stage %s", (name) => {
  const test = testApp();
  afterAll(test.dispose);
  const { stateless } = buildApp(name, test.app);
  const template = Template.fromStack(stateless);
  const fnId = stateless.getLogicalId(
    stateless.enrollmentSweep.sweeper.function.node.defaultChild as CfnFunction,
  );
  const roleId = (template.toJSON().Resources[fnId].Properties.Role as { "Fn::GetAtt": [string, string] })[
    "Fn::GetAtt"
  ][0];
  const statements = Object.values(template.findResources("AWS::IAM::Policy"))
    .filter((p) => JSON.stringify(p.Properties.Roles).includes(`"${roleId}"`))
    .flatMap(
      (p) => p.Properties.PolicyDocument.Statement as { Action: string | string[]; Resource: unknown }[],
    );
  const actions = statements.flatMap((s) => s.Action);

  it("runs the sweeper every hour", () => {
    template.hasResourceProperties("AWS::Scheduler::Schedule", {
      ScheduleExpression: "rate(1 hour)",
      Target: Match.objectLike({ Arn: { "Fn::GetAtt": [fnId, "Arn"] } }),
    });
  });

  it("grants the sweeper only what an expiry does: read, query the pending index, update; delete users", () => {
    expect(new Set(actions.filter((a) => !a.startsWith("logs:") && !a.startsWith("xray:")))).toEqual(
      new Set([
        "dynamodb:GetItem",
        "dynamodb:UpdateItem",
        "dynamodb:Query",
        "cognito-idp:AdminGetUser",
        "cognito-idp:AdminDeleteUser",
      ]),
    );
    const query = statements.find((s) => s.Action === "dynamodb:Query");
    expect(JSON.stringify(query?.Resource)).toContain(`/index/${PENDING_INDEX}`);
    expect(JSON.stringify(query?.Resource)).not.toContain("byEmail");
    const variables = template.toJSON().Resources[fnId].Properties.Environment.Variables;
    expect(variables).toHaveProperty(profilesTable.envVar);
  });
});
