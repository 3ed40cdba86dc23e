import { Match, Template } from "aws-cdk-lib/assertions";
import { AwsSolutionsChecks } from "cdk-nag";
import { afterAll, describe, expect, it } from "vitest";
import { routes } from "../../lambdas/definitions/routes";
import { ENROLLMENT_PATH_PREFIX } from "../../lib/api/enrollment-paths";
import { buildApp } from "../../lib/app";
import { getStage, type StageConfig, stageNames } from "../../lib/config/stages";
import { PATH_TRANSFORMATIONS, WAF_LOG_GROUP_PREFIX } from "../../lib/constructs/api-web-acl";
import { StatefulStack } from "../../lib/stacks/stateful-stack";
import { StatelessStack } from "../../lib/stacks/stateless-stack";
import { testApp } from "./infra-app";

type Json = Record<string, unknown>;
type Transformation = { Priority: number; Type: string };
type ByteMatch = {
  FieldToMatch: Json;
  PositionalConstraint: string;
  SearchString: string;
  TextTransformations: Transformation[];
};
type Statement = { ByteMatchStatement?: ByteMatch; OrStatement?: { Statements: Statement[] } };
type Rule = { Name: string; Priority: number; Statement: Json; Action?: Json; OverrideAction?: Json };

/**
 * What WAF does with a path for each transformation type we use, as its documentation describes
 * them. Applied by the evaluator below in the order WAF applies them: ascending priority.
 */
const transform: Record<string, (text: string) => string> = {
  URL_DECODE: (text) =>
    text.replace(/%([0-9a-f]{2})/gi, (_, hex: string) => String.fromCharCode(Number.parseInt(hex, 16))),
  // Multiple slashes, self-references and back-references that are not at the beginning.
  NORMALIZE_PATH: (text) => {
    const out: string[] = [];
    for (const segment of text.split("/").slice(1)) {
      if (segment === "" || segment === ".") continue;
      if (segment === ".." && out.length > 0) out.pop();
      else out.push(segment);
    }
    return `/${out.join("/")}`;
  },
  LOWERCASE: (text) => text.toLowerCase(),
};

function transformed(path: string, transformations: readonly Transformation[]): string {
  return [...transformations]
    .sort((a, b) => a.Priority - b.Priority)
    .reduce((text, t) => {
      const fn = transform[t.Type];
      if (!fn) throw new Error(`no model of the WAF transformation ${t.Type}`);
      return fn(text);
    }, path);
}

/** Whether a request path matches a statement of byte matches on the URI path (and ORs of them). */
function matches(statement: Statement, path: string): boolean {
  if (statement.OrStatement) return statement.OrStatement.Statements.some((s) => matches(s, path));
  const byteMatch = statement.ByteMatchStatement;
  if (!byteMatch) throw new Error(`no model of the statement ${JSON.stringify(statement)}`);
  expect(byteMatch.FieldToMatch).toEqual({ UriPath: {} });
  const text = transformed(path, byteMatch.TextTransformations);
  if (byteMatch.PositionalConstraint === "STARTS_WITH") return text.startsWith(byteMatch.SearchString);
  throw new Error(`no model of ${byteMatch.PositionalConstraint}`);
}

function byteMatches(value: unknown): ByteMatch[] {
  if (Array.isArray(value)) return value.flatMap(byteMatches);
  if (value === null || typeof value !== "object") return [];
  return Object.entries(value).flatMap(([key, child]) =>
    key === "ByteMatchStatement" ? [child as ByteMatch] : byteMatches(child),
  );
}

function webAclOf(template: Template): { Rules: Rule[] } & Json {
  const acls = Object.values(template.findResources("AWS::WAFv2::WebACL"));
  expect(acls).toHaveLength(1);
  return acls[0]?.Properties as { Rules: Rule[] } & Json;
}

describe.each(stageNames)("WAF web ACL, stage %s", (name) => {
  const { app, dispose } = testApp();
  afterAll(dispose);
  const { stateless, stage } = buildApp(name, app);
  const template = Template.fromStack(stateless);
  const acl = webAclOf(template);
  const rate = acl.Rules.find((r) => r.Name === "EnrollmentRatePerIp") as Rule;
  const scopeDown = (rate.Statement as { RateBasedStatement: { ScopeDownStatement: Statement } })
    .RateBasedStatement.ScopeDownStatement;

  /** The concrete path of a route, as a client would send it on the execute-api host and on a domain. */
  const concrete = (path: string) => path.replace(/\{[^}]+\}/g, "aBc-123_x");
  const hosts = (path: string) => [`/${stage.name}${path}`, path];

  it("counts every enrollment route toward the per-IP rate limit, the step-up code route included", () => {
    const code = routes.find((r) => r.path.endsWith("/{challengeId}/code"));
    expect(code?.throttled).toBe("enrollment");
    expect(code?.path.startsWith(ENROLLMENT_PATH_PREFIX)).toBe(true);
    for (const route of routes.filter((r) => r.throttled === "enrollment"))
      for (const path of hosts(concrete(route.path))) expect(matches(scopeDown, path), path).toBe(true);
    for (const route of routes.filter((r) => r.throttled !== "enrollment"))
      for (const path of hosts(concrete(route.path))) expect(matches(scopeDown, path), path).toBe(false);
  });

  it("counts the enrollment paths however they are encoded, doubled, dotted or cased", () => {
    const disguised = [
      "/v1/%65nrollment/verifications",
      "/v1%2Fenrollment/verifications/abc/code",
      "//v1//enrollment/verifications",
      "/./v1/./enrollment/verifications/abc/code",
      "/v1/x/../enrollment/verifications",
      // Decoded first, then normalized: the order of the priorities matters.
      "/v1/x/%2e%2e/enrollment/verifications",
      "/V1/Enrollment/Verifications",
      "/v1/%45NROLLMENTS/confirmation",
    ];
    for (const path of disguised.flatMap(hosts)) expect(matches(scopeDown, path), path).toBe(true);
  });

  it("reads every path match through URL_DECODE, NORMALIZE_PATH and LOWERCASE, in that order", () => {
    const all = byteMatches(acl.Rules).filter((m) => JSON.stringify(m.FieldToMatch) === '{"UriPath":{}}');
    expect(all.length).toBeGreaterThanOrEqual(2);
    for (const match of all) {
      const priorities = match.TextTransformations.map((t) => t.Priority);
      expect(new Set(priorities).size, "distinct priorities").toBe(priorities.length);
      const ordered = [...match.TextTransformations]
        .sort((a, b) => a.Priority - b.Priority)
        .map((t) => t.Type);
      expect(ordered).toEqual(["URL_DECODE", "NORMALIZE_PATH", "LOWERCASE"]);
      expect(match.SearchString).toBe(match.SearchString.toLowerCase());
    }
    expect(PATH_TRANSFORMATIONS.map((t) => t.type)).toEqual(["URL_DECODE", "NORMALIZE_PATH", "LOWERCASE"]);
  });

  it("logs every request to an aws-waf-logs- log group with the stage's retention, bearer tokens redacted", () => {
    const groups = template.findResources("AWS::Logs::LogGroup", {
      Properties: { LogGroupName: Match.stringLikeRegexp(`^${WAF_LOG_GROUP_PREFIX}`) },
    });
    const [groupId, group] = Object.entries(groups)[0] ?? [];
    expect(Object.keys(groups)).toHaveLength(1);
    expect(group?.Properties).toMatchObject({
      LogGroupName: `${WAF_LOG_GROUP_PREFIX}enrollment-${name}-api`,
      RetentionInDays: stage.logRetention,
    });
    expect(group?.DeletionPolicy).toBe(stage.retainData ? "Retain" : "Delete");

    const configs = Object.values(template.findResources("AWS::WAFv2::LoggingConfiguration"));
    expect(configs).toHaveLength(1);
    const config = configs[0] as { Properties: Json; DependsOn?: string[] };
    const aclId = Object.keys(template.findResources("AWS::WAFv2::WebACL"))[0];
    expect(config.Properties.ResourceArn).toEqual({ "Fn::GetAtt": [aclId, "Arn"] });
    expect(config.Properties.RedactedFields).toEqual([{ SingleHeader: { Name: "authorization" } }]);
    expect(config.Properties).not.toHaveProperty("LoggingFilter");
    // The log group's ARN without the ":*" of its Arn attribute, which WAF refuses.
    const destination = JSON.stringify(config.Properties.LogDestinationConfigs);
    expect(destination).toContain(`:log-group:${WAF_LOG_GROUP_PREFIX}enrollment-${name}-api"`);
    expect(destination).not.toContain(":*");
    expect(config.DependsOn).toContain(groupId);
  });

  it("pays for no account takeover prevention (README, AWS edge)", () => {
    expect(stage.waf.accountTakeoverPrevention).toBe(false);
    expect(JSON.stringify(acl.Rules)).not.toContain("AWSManagedRulesATPRuleSet");
  });
});

describe("WAF web ACL of a stage with account takeover prevention", () => {
  const { app, dispose } = testApp();
  afterAll(dispose);
  const prod = getStage("prod");
  const stage: StageConfig = { ...prod, waf: { ...prod.waf, accountTakeoverPrevention: true } };
  const env = { region: stage.region };
  const stateful = new StatefulStack(app, "Atp-Stateful", { stage, env });
  const stateless = new StatelessStack(app, "Atp-Stateless", { stage, stateful, env });
  const acl = webAclOf(Template.fromStack(stateless));
  const atp = acl.Rules.find((r) => r.Name === "AWSManagedRulesATPRuleSet") as Rule;

  it("runs ATP last, so that it is paid only for what every other rule let through", () => {
    expect(atp).toBeDefined();
    expect(atp.OverrideAction).toEqual({ None: {} });
    expect(atp.Priority).toBe(Math.max(...acl.Rules.map((r) => r.Priority)));
  });

  it("reads the bill form's customer number and access code, and only blocks what ATP decides", () => {
    const group = (atp.Statement as { ManagedRuleGroupStatement: Json }).ManagedRuleGroupStatement;
    expect(group).toMatchObject({
      VendorName: "AWS",
      Name: "AWSManagedRulesATPRuleSet",
      // The account form has no access code: a missing credential is counted, never blocked.
      RuleActionOverrides: [{ Name: "MissingCredential", ActionToUse: { Count: {} } }],
    });
    const [config] = group.ManagedRuleGroupConfigs as { AWSManagedRulesATPRuleSet: Json }[];
    const atpConfig = config?.AWSManagedRulesATPRuleSet as Json & { LoginPath: string };
    expect(atpConfig).toMatchObject({
      EnableRegexInPath: true,
      RequestInspection: {
        PayloadType: "JSON",
        UsernameField: { Identifier: "/customerNumber" },
        PasswordField: { Identifier: "/accessCode" },
      },
    });
    // A regional API gets no response inspection from WAF.
    expect(atpConfig).not.toHaveProperty("ResponseInspection");
    const login = new RegExp(atpConfig.LoginPath);
    for (const path of [
      "/prod/v1/enrollment/verifications",
      "/v1/enrollment/verifications",
      "/v1/enrollment/verifications/",
    ])
      expect(login.test(path), path).toBe(true);
    for (const path of [
      "/prod/v1/enrollment/verifications/abc/code",
      "/prod/v1/enrollments",
      "/dev/v1/enrollment/verifications",
    ])
      expect(login.test(path), path).toBe(false);
  });

  it("stays clean under cdk-nag", () => {
    const report = new AwsSolutionsChecks(app, { verbose: true }).validateScope(app);
    expect(report.violations.map((v) => v.ruleName)).toEqual([]);
  });
});
