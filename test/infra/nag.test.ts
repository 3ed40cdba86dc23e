import { App, Stack, Validations } from "aws-cdk-lib";
import { Annotations, Match } from "aws-cdk-lib/assertions";
import { AwsSolutionsChecks, NIST80053R5Checks } from "cdk-nag";
import type { IConstruct } from "constructs";
import { afterAll, describe, expect, it } from "vitest";
import { buildApp } from "../../lib/app";
import { stageNames } from "../../lib/config/stages";
import { testApp } from "./infra-app";

interface Acknowledgement {
  readonly path: string;
  readonly id: string;
  readonly reason: string;
  readonly onStackOrApp: boolean;
}

function acknowledgements(root: IConstruct): Acknowledgement[] {
  const found: Acknowledgement[] = [];
  for (const construct of root.node.findAll()) {
    for (const entry of construct.node.metadata) {
      if (entry.type !== Validations.ACKNOWLEDGED_RULES_METADATA_KEY) continue;
      for (const [id, reason] of Object.entries(entry.data as Record<string, string>)) {
        found.push({
          path: construct.node.path,
          id,
          reason,
          onStackOrApp: construct instanceof Stack || construct instanceof App,
        });
      }
    }
  }
  return found;
}

/** The packs lib/app.ts registers: the test runs each one, as `cdk synth` does. */
const packs = {
  AwsSolutions: (app: App) => new AwsSolutionsChecks(app, { verbose: true }),
  "NIST.800.53.R5": (app: App) => new NIST80053R5Checks(app, { verbose: true }),
} as const;

describe.each(stageNames)("cdk-nag on stage %s", (stageName) => {
  const { app, dispose } = testApp();
  const built = buildApp(stageName, app);
  afterAll(dispose);

  it.each(Object.keys(packs) as (keyof typeof packs)[])(
    "%s reports no unacknowledged error or warning",
    (pack) => {
      // cdk-nag 3 is a policy validation plugin: it reports violations, it no longer annotates.
      const report = packs[pack](app).validateScope(app);
      const violations = report.violations.map((v) => ({
        rule: v.ruleName,
        severity: v.severity,
        resources: v.violatingResources.map((r) => r.constructPath),
      }));
      expect(violations).toEqual([]);
    },
  );

  it("synthesizes with the nag plugin registered, and no error or warning annotations", () => {
    // Under Vitest (NODE_ENV=test) a failed validation makes synth throw with the report.
    expect(() => app.synth()).not.toThrow();
    for (const stack of [built.stateful, built.stateless]) {
      expect(Annotations.fromStack(stack).findError("*", Match.anyValue())).toEqual([]);
      expect(Annotations.fromStack(stack).findWarning("*", Match.anyValue())).toEqual([]);
      expect(Annotations.fromStack(stack).findError("*", Match.stringLikeRegexp("AwsSolutions-.*"))).toEqual(
        [],
      );
    }
  });

  it("acknowledges findings on the resources concerned only, each with a reason", () => {
    const acks = acknowledgements(app);
    expect(acks.length).toBeGreaterThan(0);
    for (const ack of acks) {
      expect(ack.onStackOrApp, `${ack.id} acknowledged on a whole stack: ${ack.path}`).toBe(false);
      expect(ack.reason.length, `${ack.id} at ${ack.path} needs a real reason`).toBeGreaterThan(60);
    }
  });
});
