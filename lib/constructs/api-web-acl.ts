import { ArnFormat, type RemovalPolicy, Stack } from "aws-cdk-lib";
import type * as apigw from "aws-cdk-lib/aws-apigateway";
import type * as kms from "aws-cdk-lib/aws-kms";
import * as logs from "aws-cdk-lib/aws-logs";
import * as wafv2 from "aws-cdk-lib/aws-wafv2";
import { Construct } from "constructs";
import { errors } from "../../lambdas/definitions/error-codes";
import { gatewayHeaders } from "../../lambdas/definitions/gateway-headers";
import type { billVerification } from "../../lambdas/definitions/request-schemas";
import { gatewayErrorBody } from "../api/gateway-responses";

export interface ApiWebAclProps {
  readonly name: string;
  readonly stage: apigw.Stage;
  /**
   * Request paths (lower case) whose requests count toward the per-IP rate limit. WAF sees the path
   * as the client sent it, so on the execute-api host it starts with the stage name.
   */
  readonly ratePathPrefixes: readonly string[];
  /** Requests per client IP per 5 minutes on those paths. */
  readonly ratePer5Minutes: number;
  readonly webOrigin: string;
  /** The verification route's paths as WAF sees them (with and without the stage name). */
  readonly verificationPaths: readonly string[];
  /** AWS WAF Fraud Control ATP on the verification route (README "AWS edge"). */
  readonly accountTakeoverPrevention: boolean;
  readonly logRetention: logs.RetentionDays;
  readonly logRemovalPolicy: RemovalPolicy;
  /** The customer-managed key of the stack's log groups. */
  readonly logEncryptionKey: kms.IKey;
}

const TOO_MANY_REQUESTS_BODY = "TooManyRequests";
const RATE_WINDOW_SECONDS = 300;

/** WAF only writes to CloudWatch log groups whose name starts with this. */
export const WAF_LOG_GROUP_PREFIX = "aws-waf-logs-";

/**
 * How WAF reads a path before matching it. WAF applies a statement's transformations by ascending
 * priority (each priority once), so the order is the priorities': percent-decoding first, so that
 * %2F or %65 cannot hide a segment; then NORMALIZE_PATH, which folds the //, /./ and /../ that
 * decoding may have revealed; then lower case, as the search strings are (/V1/Enrollment… reaches
 * the fallback, paths are case-sensitive, but still counts).
 */
export const PATH_TRANSFORMATIONS: readonly wafv2.CfnWebACL.TextTransformationProperty[] = [
  { priority: 0, type: "URL_DECODE" },
  { priority: 1, type: "NORMALIZE_PATH" },
  { priority: 2, type: "LOWERCASE" },
];

/** Request headers WAF's logs show as REDACTED: the signed-in customers' bearer tokens. */
export const REDACTED_HEADERS = ["authorization"] as const;

/** The bill form's fields (contract §4) that ATP reads as username and password. */
type BillVerificationField = keyof (typeof billVerification)["shape"];
const ATP_USERNAME_FIELD: BillVerificationField = "customerNumber";
const ATP_PASSWORD_FIELD: BillVerificationField = "accessCode";

function visibility(metricName: string): wafv2.CfnWebACL.VisibilityConfigProperty {
  return { cloudWatchMetricsEnabled: true, metricName, sampledRequestsEnabled: true };
}

function managedRuleGroup(
  name: string,
  priority: number,
  options: Omit<wafv2.CfnWebACL.ManagedRuleGroupStatementProperty, "name" | "vendorName"> = {},
): wafv2.CfnWebACL.RuleProperty {
  return {
    name,
    priority,
    overrideAction: { none: {} },
    statement: { managedRuleGroupStatement: { vendorName: "AWS", name, ...options } },
    visibilityConfig: visibility(name),
  };
}

function pathStartsWith(prefix: string): wafv2.CfnWebACL.StatementProperty {
  return {
    byteMatchStatement: {
      fieldToMatch: { uriPath: {} },
      positionalConstraint: "STARTS_WITH",
      searchString: prefix.toLowerCase(),
      textTransformations: [...PATH_TRANSFORMATIONS],
    },
  };
}

const escapeRegex = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

/**
 * AWS WAF Fraud Control account takeover prevention on the verification route, when the stage asks
 * for it (README "AWS edge" for its cost and why no stage does). It reads the bill form's customer
 * number and access code; the account form has no access code, so its "missing credential" is
 * counted, not blocked. The login path is anchored: ATP matches a plain path as a prefix, which
 * would take the step-up code route for a login without credentials.
 */
function accountTakeoverPrevention(priority: number, paths: readonly string[]): wafv2.CfnWebACL.RuleProperty {
  return managedRuleGroup("AWSManagedRulesATPRuleSet", priority, {
    managedRuleGroupConfigs: [
      {
        awsManagedRulesAtpRuleSet: {
          loginPath: `^(?:${paths.map(escapeRegex).join("|")})/?$`,
          enableRegexInPath: true,
          requestInspection: {
            payloadType: "JSON",
            usernameField: { identifier: `/${ATP_USERNAME_FIELD}` },
            passwordField: { identifier: `/${ATP_PASSWORD_FIELD}` },
          },
          // No responseInspection: WAF offers it only in front of CloudFront, not a regional API.
        },
      },
    ],
    ruleActionOverrides: [{ name: "MissingCredential", actionToUse: { count: {} } }],
  });
}

/**
 * The regional web ACL in front of the REST API stage: AWS managed protections plus a per-IP rate
 * limit on the enrollment paths, the ones an attacker would use to guess access codes; every
 * request logged to CloudWatch, bearer tokens redacted.
 */
export class ApiWebAcl extends Construct {
  readonly webAcl: wafv2.CfnWebACL;
  readonly logGroup: logs.LogGroup;
  readonly logging: wafv2.CfnLoggingConfiguration;

  constructor(scope: Construct, id: string, props: ApiWebAclProps) {
    super(scope, id);
    const [first, second, ...others] = props.ratePathPrefixes.map(pathStartsWith);
    if (!first) throw new Error("The WAF rate rule needs at least one path prefix.");
    if (props.verificationPaths.length === 0) throw new Error("The WAF needs the verification paths.");
    const scopeDown: wafv2.CfnWebACL.StatementProperty = second
      ? { orStatement: { statements: [first, second, ...others] } }
      : first;

    this.webAcl = new wafv2.CfnWebACL(this, "WebAcl", {
      name: props.name,
      scope: "REGIONAL",
      defaultAction: { allow: {} },
      visibilityConfig: visibility(props.name),
      customResponseBodies: {
        [TOO_MANY_REQUESTS_BODY]: {
          contentType: "APPLICATION_JSON",
          content: gatewayErrorBody("TOO_MANY_REQUESTS"),
        },
      },
      rules: [
        managedRuleGroup("AWSManagedRulesAmazonIpReputationList", 0),
        {
          name: "EnrollmentRatePerIp",
          priority: 1,
          action: {
            block: {
              // The contract's 429 with its JSON error and headers, instead of WAF's bare 403.
              customResponse: {
                responseCode: errors.TOO_MANY_REQUESTS.status,
                customResponseBodyKey: TOO_MANY_REQUESTS_BODY,
                responseHeaders: Object.entries({
                  ...gatewayHeaders(props.webOrigin),
                  "Retry-After": String(RATE_WINDOW_SECONDS),
                }).map(([name, value]) => ({ name, value })),
              },
            },
          },
          statement: {
            rateBasedStatement: {
              limit: props.ratePer5Minutes,
              evaluationWindowSec: RATE_WINDOW_SECONDS,
              aggregateKeyType: "IP",
              scopeDownStatement: scopeDown,
            },
          },
          visibilityConfig: visibility("EnrollmentRatePerIp"),
        },
        // SizeRestrictions_BODY blocks bodies over 8 KB; the contract accepts up to 16 KiB and answers
        // 413 above, which the functions do. Counted, not blocked.
        managedRuleGroup("AWSManagedRulesCommonRuleSet", 2, {
          ruleActionOverrides: [{ name: "SizeRestrictions_BODY", actionToUse: { count: {} } }],
        }),
        managedRuleGroup("AWSManagedRulesKnownBadInputsRuleSet", 3),
        // Last: ATP is paid per request it analyses, so only those that every other rule let through.
        ...(props.accountTakeoverPrevention ? [accountTakeoverPrevention(4, props.verificationPaths)] : []),
      ],
    });

    new wafv2.CfnWebACLAssociation(this, "Association", {
      resourceArn: props.stage.stageArn,
      webAclArn: this.webAcl.attrArn,
    });

    // Every request, allowed ones included: a guessing campaign spread over many IPs is made of
    // requests that each look allowed. No body is ever logged (WAF logs none).
    const logGroupName = `${WAF_LOG_GROUP_PREFIX}${props.name}`;
    this.logGroup = new logs.LogGroup(this, "Logs", {
      logGroupName,
      retention: props.logRetention,
      removalPolicy: props.logRemovalPolicy,
      encryptionKey: props.logEncryptionKey,
    });
    this.logging = new wafv2.CfnLoggingConfiguration(this, "Logging", {
      resourceArn: this.webAcl.attrArn,
      // WAF wants the log group's ARN without the ":*" that its CloudFormation Arn attribute ends with.
      logDestinationConfigs: [
        Stack.of(this).formatArn({
          service: "logs",
          resource: "log-group",
          resourceName: logGroupName,
          arnFormat: ArnFormat.COLON_RESOURCE_NAME,
        }),
      ],
      // A raw JSON property in CloudFormation's own casing (CDK passes it through as is).
      redactedFields: REDACTED_HEADERS.map((name) => ({ singleHeader: { Name: name } })),
    });
    this.logging.node.addDependency(this.logGroup);
  }
}
