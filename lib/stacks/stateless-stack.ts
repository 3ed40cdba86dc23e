import { CfnOutput, Duration, RemovalPolicy, Stack, type StackProps, Validations } from "aws-cdk-lib";
import * as apigw from "aws-cdk-lib/aws-apigateway";
import * as logs from "aws-cdk-lib/aws-logs";
import type { Construct } from "constructs";
import {
  API_GATEWAY_AUTHORIZER_CACHE_TTL_SECONDS,
  authorizerFunction,
} from "../../lambdas/definitions/authorizer";
import {
  type ApiFunctionName,
  apiFunctions,
  routes as definedRoutes,
  type RouteDefinition,
} from "../../lambdas/definitions/routes";
import { userPoolEnv } from "../../lambdas/definitions/user-pool";
import { addRoutes } from "../api/add-routes";
import { checkEnrollmentRoutes, ENROLLMENT_PATH_PREFIX, verificationPath } from "../api/enrollment-paths";
import { addGatewayResponses } from "../api/gateway-responses";
import { methodSettingsKey } from "../api/route-tree";
import { functionEnvironment } from "../config/function-environment";
import { resourcePrefix, type StageConfig } from "../config/stages";
import { AlarmTopic } from "../constructs/alarm-topic";
import { ApiAlarms } from "../constructs/api-alarms";
import { API_THROTTLED_CONCURRENCY, ApiFunction, SYNCHRONOUS_NO_DLQ } from "../constructs/api-function";
import { ApiWebAcl } from "../constructs/api-web-acl";
import { EmailReputationAlarms } from "../constructs/email-reputation-alarms";
import { EnrollmentSweep } from "../constructs/enrollment-sweep";
import { logEncryptionKey } from "../constructs/log-encryption-key";
import { NoticePipeline } from "../constructs/notice-pipeline";
import { StageDashboard } from "../constructs/stage-dashboard";
import { StepUpPipeline } from "../constructs/step-up-pipeline";
import { VerificationAlarms } from "../constructs/verification-alarms";
import { applyGrants, authorizerGrants, type FunctionGrants, functionGrants } from "./function-grants";
import type { StatefulStack } from "./stateful-stack";

export interface StatelessStackProps extends StackProps {
  readonly stage: StageConfig;
  readonly stateful: StatefulStack;
  /** The route table; tests may pass another one. */
  readonly routes?: readonly RouteDefinition[];
  readonly grants?: Readonly<Record<ApiFunctionName, FunctionGrants>>;
}

function pascalCase(name: string): string {
  return name.charAt(0).toUpperCase() + name.slice(1);
}

function accessLogFormat(): apigw.AccessLogFormat {
  const field = apigw.AccessLogField;
  // One JSON object per request, for Logs Insights. No header or body: they may hold credentials.
  return apigw.AccessLogFormat.custom(
    JSON.stringify({
      requestId: field.contextRequestId(),
      extendedRequestId: field.contextExtendedRequestId(),
      requestTime: field.contextRequestTime(),
      ip: field.contextIdentitySourceIp(),
      userAgent: field.contextIdentityUserAgent(),
      httpMethod: field.contextHttpMethod(),
      // The resource path only: the request path would log live step-up challenge ids.
      resourcePath: field.contextResourcePath(),
      protocol: field.contextProtocol(),
      status: field.contextStatus(),
      responseLength: field.contextResponseLength(),
      responseLatency: field.contextResponseLatency(),
      integrationStatus: field.contextIntegrationStatus(),
      integrationLatency: field.contextIntegrationLatency(),
      errorType: field.contextErrorResponseType(),
      error: field.contextErrorMessage(),
      wafStatus: field.contextWafResponseCode(),
      xrayTraceId: field.contextXrayTraceId(),
    }),
  );
}

/**
 * The functions and the REST API in front of them, rebuilt from the route table and the function
 * list of lambdas/definitions/routes.ts. Holds no data: it can be destroyed and redeployed at will.
 *
 * The API's stage is named after the environment, so the health check of a stage is
 * `{ApiBaseUrl}v1/health` (ApiBaseUrl ends with "/dev/", "/staging/" or "/prod/").
 */
export class StatelessStack extends Stack {
  readonly api: apigw.RestApi;
  readonly functions: Readonly<Record<ApiFunctionName, ApiFunction>>;
  /** The Lambda authorizer of the signed-in routes (lambdas/definitions/authorizer.ts). */
  readonly authorizerFunction: ApiFunction;
  readonly webAcl: ApiWebAcl;
  readonly notices: NoticePipeline;
  readonly stepUp: StepUpPipeline;
  /** The hourly expiry of unconfirmed enrollments. */
  readonly enrollmentSweep: EnrollmentSweep;
  readonly verificationAlarms: VerificationAlarms;
  /** The one SNS topic of the stage's alarms. */
  readonly alarms: AlarmTopic;
  readonly apiAlarms: ApiAlarms;
  readonly emailAlarms: EmailReputationAlarms;
  readonly dashboard: StageDashboard;

  constructor(scope: Construct, id: string, props: StatelessStackProps) {
    super(scope, id, props);
    const { stage, stateful } = props;
    const routes = props.routes ?? definedRoutes;
    const grants = props.grants ?? functionGrants;
    const prefix = resourcePrefix(stage);
    const removalPolicy = stage.retainData ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY;
    checkEnrollmentRoutes(routes);

    this.alarms = new AlarmTopic(this, "Alarms", { prefix, email: stage.alarms.email });
    this.stepUp = new StepUpPipeline(this, "StepUp", { stage, prefix });

    const environment = {
      ...functionEnvironment(stage, {
        sesConfigurationSetName: stateful.emailConfigurationSet.configurationSetName,
        pepperSecretName: stateful.pepperSecretName,
        confirmationKeySecretName: stateful.confirmationKeySecretName,
        stepUpQueueUrl: this.stepUp.queue.queueUrl,
      }),
      [userPoolEnv.userPoolId]: stateful.userPool.userPoolId,
      [userPoolEnv.webClientId]: stateful.webClient.userPoolClientId,
    };
    const resources = {
      tables: stateful.tables,
      pepperSecret: stateful.pepperSecret,
      confirmationKeySecret: stateful.confirmationKeySecret,
      documentsBucket: stateful.documentsBucket,
      userPool: stateful.userPool,
      emailConfigurationSet: stateful.emailConfigurationSet,
      sesFromAddress: stage.sesFromAddress,
      stepUpQueue: this.stepUp.queue,
    };
    const names = Object.keys(apiFunctions) as ApiFunctionName[];
    this.functions = Object.fromEntries(
      names.map((name) => {
        const definition = apiFunctions[name];
        const fn = new ApiFunction(this, `${pascalCase(name)}Function`, {
          stage,
          functionName: `${prefix}-${definition.entry}`,
          entry: definition.entry,
          description: definition.description,
          environment,
          // The failure budget's bound counts the verification instances that run at once.
          concurrency:
            name === "verifications"
              ? { reserved: stage.verification.maxConcurrency }
              : { unreservedBecause: API_THROTTLED_CONCURRENCY },
          withoutDeadLetterQueue: SYNCHRONOUS_NO_DLQ,
        });
        applyGrants(fn.function, grants[name], resources);
        return [name, fn];
      }),
    ) as Record<ApiFunctionName, ApiFunction>;

    this.authorizerFunction = new ApiFunction(this, "AuthorizerFunction", {
      stage,
      functionName: `${prefix}-${authorizerFunction.entry}`,
      entry: authorizerFunction.entry,
      description: authorizerFunction.description,
      environment,
      concurrency: {
        unreservedBecause: `Invoked by API Gateway for the signed-in routes only: ${API_THROTTLED_CONCURRENCY}`,
      },
      withoutDeadLetterQueue: `The API's authorizer. ${SYNCHRONOUS_NO_DLQ}`,
    });
    applyGrants(this.authorizerFunction.function, authorizerGrants, resources);

    this.notices = new NoticePipeline(this, "Notices", { stage, prefix, resources, environment });
    this.stepUp.addSender({ resources, environment });
    this.enrollmentSweep = new EnrollmentSweep(this, "EnrollmentSweep", {
      stage,
      prefix,
      resources,
      environment,
    });
    this.verificationAlarms = new VerificationAlarms(this, "VerificationAlarms", { stage, prefix });
    this.emailAlarms = new EmailReputationAlarms(this, "EmailAlarms", { prefix });

    this.api = this.createApi(stage, routes, removalPolicy);
    addGatewayResponses(this.api, stage.webOrigin);

    // One permission per function for the whole API rather than one per method: the ANY methods
    // would otherwise add dozens of near-identical Lambda permissions.
    const integrations = Object.fromEntries(
      names.map((name) => [
        name,
        new apigw.LambdaIntegration(this.functions[name].function, {
          proxy: true,
          scopePermissionToMethod: false,
        }),
      ]),
    ) as Record<ApiFunctionName, apigw.LambdaIntegration>;
    addRoutes({
      api: this.api,
      routes,
      integrations,
      fallback: integrations.fallback,
      authorizer: () => this.customerAuthorizer(prefix),
    });

    this.webAcl = new ApiWebAcl(this, "WebAcl", {
      name: `${prefix}-api`,
      stage: this.api.deploymentStage,
      // On the execute-api host the path starts with the stage name; on a custom domain it does not.
      ratePathPrefixes: [`/${stage.name}${ENROLLMENT_PATH_PREFIX}`, ENROLLMENT_PATH_PREFIX],
      ratePer5Minutes: stage.waf.enrollmentRequestsPerIpPer5Minutes,
      webOrigin: stage.webOrigin,
      verificationPaths: [`/${stage.name}${verificationPath(routes)}`, verificationPath(routes)],
      accountTakeoverPrevention: stage.waf.accountTakeoverPrevention,
      logRetention: stage.logRetention,
      logRemovalPolicy: removalPolicy,
      logEncryptionKey: logEncryptionKey(this, { retain: stage.retainData }),
    });

    this.apiAlarms = new ApiAlarms(this, "ApiAlarms", {
      stage,
      prefix,
      apiName: this.api.restApiName,
      routes,
      authorizer: this.authorizerFunction.function,
    });

    // Every alarm of the stage tells the one topic. OK too where OK means the problem is over. An
    // entry into step-up "ends" five minutes later whatever the attack does, and a failed or long
    // run of the dispatcher is "over" once the next quiet period comes: those only fire.
    const lasting = [
      ...this.apiAlarms.all,
      this.notices.deadLetterAlarm,
      this.notices.dispatchDeadLetterAlarm,
      this.notices.lateAlarm,
      this.stepUp.deadLetterAlarm,
      this.stepUp.lateAlarm,
      this.verificationAlarms.failureBudget,
      this.verificationAlarms.lockouts,
      ...this.emailAlarms.all,
    ];
    const events = [
      this.verificationAlarms.stepUpEntered,
      ...this.notices.dispatcherAlarms.all,
      ...this.notices.dispatchWorkerAlarms.all,
      this.notices.dispatchFailedAlarm,
    ];
    for (const alarm of lasting) this.alarms.notify(alarm, { ok: true });
    for (const alarm of events) this.alarms.notify(alarm, { ok: false });

    this.dashboard = new StageDashboard(this, "Dashboard", {
      stage,
      prefix,
      apiName: this.api.restApiName,
      routes,
      functions: [
        ...names.map((name) => ({ label: name, fn: this.functions[name].function })),
        { label: "authorizer", fn: this.authorizerFunction.function },
        { label: "notice dispatcher", fn: this.notices.dispatcher.function },
        { label: "notice dispatch worker", fn: this.notices.dispatchWorker.function },
        { label: "notice sender", fn: this.notices.sender.function },
        { label: "SES events", fn: this.notices.sesEvents.function },
        { label: "step-up codes", fn: this.stepUp.sender.function },
        { label: "enrollment sweeper", fn: this.enrollmentSweep.sweeper.function },
      ],
      deadLetterQueues: [
        { label: "notice dead letters", queue: this.notices.deadLetterQueue },
        { label: "dispatch dead letters", queue: this.notices.dispatchDeadLetterQueue },
        { label: "step-up code dead letters", queue: this.stepUp.deadLetterQueue },
      ],
      alarms: [...lasting, ...events],
    });

    new CfnOutput(this, "DashboardName", {
      value: this.dashboard.dashboard.dashboardName,
      description: "CloudWatch dashboard of the stage (RUNBOOK.md)",
    });
    new CfnOutput(this, "AlarmTopicArn", {
      value: this.alarms.topic.topicArn,
      description: "SNS topic of every alarm of the stage: subscribe the operators to it",
    });
    new CfnOutput(this, "ApiBaseUrl", {
      value: this.api.url,
      description: "Base URL of the API; the contract's paths follow it (health: {ApiBaseUrl}v1/health)",
    });
  }

  /**
   * A REQUEST authorizer with no identity source and no cache: API Gateway invokes it for every
   * request, even one without an Authorization header. A TOKEN authorizer, or any cached one, needs
   * its identity source present, and answers a request without it with its own 401 (the UNAUTHORIZED
   * gateway response) without invoking the function; that 401, and the 403 of a Deny, could only be
   * French and carry the web origin for every origin: a gateway response's headers are literals and
   * its template is not VTL (no `#if`). So the function never refuses (it Allows with its judgement
   * in the context) and the route answers the 401 and 403 itself. It keeps its own allows for
   * AUTHORIZER_CACHE_TTL_SECONDS, and no refusal (a customer who has just confirmed gets in).
   */
  private customerAuthorizer(prefix: string): apigw.RequestAuthorizer {
    const authorizer = new apigw.RequestAuthorizer(this, "CustomerAuthorizer", {
      authorizerName: `${prefix}-customer`,
      handler: this.authorizerFunction.function,
      identitySources: [],
      // Zero: a cache here would need an identity source, and add to ACCESS_LOSS_BOUND_SECONDS.
      resultsCacheTtl: Duration.seconds(API_GATEWAY_AUTHORIZER_CACHE_TTL_SECONDS),
    });
    // CDK writes the empty list as IdentitySource: ""; without caching the property is optional.
    (authorizer.node.defaultChild as apigw.CfnAuthorizer).addPropertyDeletionOverride("IdentitySource");
    return authorizer;
  }

  private createApi(
    stage: StageConfig,
    routes: readonly RouteDefinition[],
    removalPolicy: RemovalPolicy,
  ): apigw.RestApi {
    const accessLogs = new logs.LogGroup(this, "ApiAccessLogs", {
      retention: stage.logRetention,
      removalPolicy,
      encryptionKey: logEncryptionKey(this, { retain: stage.retainData }),
    });
    const enrollmentThrottle: apigw.MethodDeploymentOptions = {
      throttlingRateLimit: stage.api.enrollmentThrottle.rateLimit,
      throttlingBurstLimit: stage.api.enrollmentThrottle.burstLimit,
    };
    const methodOptions = Object.fromEntries(
      routes
        .filter((r) => r.throttled === "enrollment")
        .map((r) => [methodSettingsKey(r), enrollmentThrottle]),
    );

    const api = new apigw.RestApi(this, "Api", {
      restApiName: `${resourcePrefix(stage)}-api`,
      description: "Online services enrollment: HTTP API v1 (routes from lambdas/definitions/routes.ts)",
      endpointConfiguration: { types: [apigw.EndpointType.REGIONAL] },
      // Execution and access logs need the account-level CloudWatch role. It is shared by every API
      // of the account and region, so it outlives this stack.
      cloudWatchRole: true,
      cloudWatchRoleRemovalPolicy: RemovalPolicy.RETAIN,
      deployOptions: {
        stageName: stage.name,
        accessLogDestination: new apigw.LogGroupLogDestination(accessLogs),
        accessLogFormat: accessLogFormat(),
        // Errors only, and never the request data: bodies carry passwords and access codes.
        loggingLevel: apigw.MethodLoggingLevel.ERROR,
        dataTraceEnabled: false,
        metricsEnabled: true,
        tracingEnabled: true,
        throttlingRateLimit: stage.api.throttle.rateLimit,
        throttlingBurstLimit: stage.api.throttle.burstLimit,
        methodOptions,
      },
    });

    Validations.of(api.node.defaultChild as apigw.CfnRestApi).acknowledge({
      id: "AwsSolutions-APIG2",
      reason:
        "Requests are validated by the functions (zod schemas), which answer the contract's errors " +
        "(400 with fields, 413, 415) in its shape; an API Gateway validator would answer before them.",
    });
    const deploymentStage = Validations.of(api.deploymentStage);
    deploymentStage.acknowledge({
      id: "NIST.800.53.R5-APIGWCacheEnabledAndEncrypted",
      reason:
        "Every answer is either a one-time verification result or one signed-in customer's own data " +
        "(Cache-Control: no-store): nothing may be served from a cache, so the stage has none.",
    });
    deploymentStage.acknowledge({
      id: "NIST.800.53.R5-APIGWSSLEnabled",
      reason:
        "A client certificate authenticates API Gateway to an HTTP backend; every integration here is a " +
        "Lambda proxy invoked with IAM, which has no endpoint that could check a certificate.",
    });
    Validations.of(api.node.findChild("CloudWatchRole")).acknowledge({
      id: "AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AmazonAPIGatewayPushToCloudWatchLogs]",
      reason:
        "The account-level role through which API Gateway writes execution and access logs; AWS " +
        "documents this managed policy for it, and it only allows writing to CloudWatch Logs.",
    });
    return api;
  }
}
