import type * as apigw from "aws-cdk-lib/aws-apigateway";
import * as wafv2 from "aws-cdk-lib/aws-wafv2";
import { Construct } from "constructs";
import { errors } from "../../lambdas/definitions/error-codes";
import { gatewayHeaders } from "../../lambdas/definitions/gateway-headers";
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
}

const TOO_MANY_REQUESTS_BODY = "TooManyRequests";
const RATE_WINDOW_SECONDS = 300;

function visibility(metricName: string): wafv2.CfnWebACL.VisibilityConfigProperty {
  return { cloudWatchMetricsEnabled: true, metricName, sampledRequestsEnabled: true };
}

function managedRuleGroup(
  name: string,
  priority: number,
  ruleActionOverrides?: wafv2.CfnWebACL.RuleActionOverrideProperty[],
): wafv2.CfnWebACL.RuleProperty {
  return {
    name,
    priority,
    overrideAction: { none: {} },
    statement: { managedRuleGroupStatement: { vendorName: "AWS", name, ruleActionOverrides } },
    visibilityConfig: visibility(name),
  };
}

function pathStartsWith(prefix: string): wafv2.CfnWebACL.StatementProperty {
  return {
    byteMatchStatement: {
      fieldToMatch: { uriPath: {} },
      positionalConstraint: "STARTS_WITH",
      searchString: prefix.toLowerCase(),
      // /V1/Enrollment… reaches the fallback (paths are case-sensitive) but still counts.
      textTransformations: [{ priority: 0, type: "LOWERCASE" }],
    },
  };
}

/**
 * The regional web ACL in front of the REST API stage: AWS managed protections plus a per-IP rate
 * limit on the enrollment paths, the ones an attacker would use to guess access codes.
 */
export class ApiWebAcl extends Construct {
  readonly webAcl: wafv2.CfnWebACL;

  constructor(scope: Construct, id: string, props: ApiWebAclProps) {
    super(scope, id);
    const [first, second, ...others] = props.ratePathPrefixes.map(pathStartsWith);
    if (!first) throw new Error("The WAF rate rule needs at least one path prefix.");
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
        managedRuleGroup("AWSManagedRulesCommonRuleSet", 2, [
          { name: "SizeRestrictions_BODY", actionToUse: { count: {} } },
        ]),
        managedRuleGroup("AWSManagedRulesKnownBadInputsRuleSet", 3),
      ],
    });

    new wafv2.CfnWebACLAssociation(this, "Association", {
      resourceArn: props.stage.stageArn,
      webAclArn: this.webAcl.attrArn,
    });
  }
}
