import { join } from "node:path";
import { Duration, RemovalPolicy, Validations } from "aws-cdk-lib";
import * as iam from "aws-cdk-lib/aws-iam";
import * as lambda from "aws-cdk-lib/aws-lambda";
import { NodejsFunction, OutputFormat } from "aws-cdk-lib/aws-lambda-nodejs";
import * as logs from "aws-cdk-lib/aws-logs";
import { Construct } from "constructs";
import { bundling, handlerEntry } from "../../lambdas/definitions/bundling";
import { powertools } from "../config/observability";
import { repoRoot } from "../config/paths";
import type { StageConfig } from "../config/stages";
import { logEncryptionKey } from "./log-encryption-key";

export interface ApiFunctionProps {
  readonly stage: StageConfig;
  readonly functionName: string;
  /** Handler module under lambdas/handlers/, without its extension (see handlerEntry). */
  readonly entry: string;
  readonly description: string;
  /** The variables of lambdas/definitions/environment.ts and any resource names the function reads. */
  readonly environment: Readonly<Record<string, string>>;
  /** API Gateway gives up after 29 s; a handler of this API answers well within 10. */
  readonly timeout?: Duration;
  readonly memorySize?: number;
  /**
   * Reserved concurrency (the most instances that run at once, and a floor the account keeps free)
   * where it protects a downstream quota, or why the function needs none (NIST 800-53 r5 asks).
   */
  readonly concurrency: { readonly reserved: number } | { readonly unreservedBecause: string };
  /**
   * Why the function needs no dead-letter queue of its own (NIST 800-53 r5 asks for one): how its
   * failed invocations are caught instead.
   */
  readonly withoutDeadLetterQueue: string;
}

/** The reason an API Gateway function needs no dead-letter queue (a Lambda DLQ only takes async events). */
export const SYNCHRONOUS_NO_DLQ =
  "Invoked synchronously by API Gateway: a failure is the customer's 5xx answer (alarmed per route), " +
  "there is no asynchronous event to keep, and a Lambda dead-letter queue only receives those.";

/** The reason an API Gateway function has no reserved concurrency. */
export const API_THROTTLED_CONCURRENCY =
  "API Gateway's stage and enrollment throttles bound its requests; reserving concurrency per function " +
  "would split the account's pool and turn a burst on one route into 500s while others sit idle.";

const outputFormats = {
  esm: OutputFormat.ESM,
  cjs: OutputFormat.CJS,
} as const satisfies Record<string, OutputFormat>;

const architectures = {
  arm64: lambda.Architecture.ARM_64,
  x86_64: lambda.Architecture.X86_64,
} as const satisfies Record<string, lambda.Architecture>;

/** The runtime the bundling definition names, as CDK knows it (NODEJS_24_X for "nodejs24.x"). */
function definedRuntime(): lambda.Runtime {
  return (
    lambda.Runtime.ALL.find((runtime) => runtime.name === bundling.runtime) ??
    new lambda.Runtime(bundling.runtime, lambda.RuntimeFamily.NODEJS, { supportsInlineCode: true })
  );
}

/**
 * One Lambda function of the system with the defaults every function shares: the runtime,
 * architecture and esbuild options of lambdas/definitions/bundling.ts (the benchmark bundles with the
 * same ones), local esbuild (never Docker), its own log group, Powertools settings, active tracing,
 * and a role that can write to that log group and nothing else until a grant adds to it.
 */
export class ApiFunction extends Construct {
  /** Its handler module under lambdas/handlers/, without extension (the least-privilege test bundles it). */
  readonly entry: string;
  readonly function: NodejsFunction;
  readonly role: iam.Role;
  readonly logGroup: logs.LogGroup;

  constructor(scope: Construct, id: string, props: ApiFunctionProps) {
    super(scope, id);
    const { stage } = props;
    this.entry = props.entry;

    this.logGroup = new logs.LogGroup(this, "LogGroup", {
      logGroupName: `/aws/lambda/${props.functionName}`,
      retention: stage.logRetention,
      removalPolicy: stage.retainData ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY,
      encryptionKey: logEncryptionKey(this, { retain: stage.retainData }),
    });

    // Our own role instead of the default one: AWSLambdaBasicExecutionRole would allow writing to
    // every log group of the account, while the function only ever writes to its own.
    this.role = new iam.Role(this, "Role", {
      assumedBy: new iam.ServicePrincipal("lambda.amazonaws.com"),
      description: `Execution role of ${props.functionName}`,
    });
    this.logGroup.grantWrite(this.role);

    this.function = new NodejsFunction(this, "Function", {
      functionName: props.functionName,
      description: props.description,
      entry: join(repoRoot, handlerEntry(props.entry)),
      handler: "handler",
      projectRoot: repoRoot,
      depsLockFilePath: join(repoRoot, "package-lock.json"),
      runtime: definedRuntime(),
      architecture: architectures[bundling.architecture],
      memorySize: props.memorySize ?? 512,
      ...("reserved" in props.concurrency
        ? { reservedConcurrentExecutions: props.concurrency.reserved }
        : {}),
      timeout: props.timeout ?? Duration.seconds(10),
      role: this.role,
      logGroup: this.logGroup,
      // Lambda's own START/END/REPORT lines in JSON too, next to Powertools' JSON lines.
      loggingFormat: lambda.LoggingFormat.JSON,
      environment: {
        ...props.environment,
        NODE_OPTIONS: "--enable-source-maps",
        POWERTOOLS_SERVICE_NAME: powertools.serviceName,
        POWERTOOLS_METRICS_NAMESPACE: powertools.metricsNamespace,
        POWERTOOLS_LOG_LEVEL: stage.logLevel,
      },
      bundling: {
        format: outputFormats[bundling.format],
        target: bundling.target,
        minify: bundling.minify,
        sourceMap: bundling.sourceMap,
        mainFields: [...bundling.mainFields],
        banner: bundling.banner,
        externalModules: [...bundling.externalModules],
        // esbuild is a dev dependency of the repository: bundling never needs Docker.
        forceDockerBundling: false,
      },
    });

    this.enableActiveTracing();
    this.acknowledgeNistFindings(props);
  }

  /** NIST 800-53 r5 findings of every function, each with this function's own reason where it has one. */
  private acknowledgeNistFindings(props: ApiFunctionProps): void {
    const validations = Validations.of(this);
    validations.acknowledge({
      id: "NIST.800.53.R5-LambdaInsideVPC",
      reason:
        "The function reaches only AWS public endpoints (DynamoDB, Cognito, SES, SQS, Secrets Manager) with " +
        "IAM and TLS; no private resource exists to protect, and a VPC would add NAT gateways or endpoints.",
    });
    validations.acknowledge({
      id: "NIST.800.53.R5-IAMNoInlinePolicy",
      reason:
        "The role and its policies are made for this one function (least privilege, checked by the " +
        "least-privilege infra test); a managed policy would be a second resource others could attach.",
    });
    validations.acknowledge({ id: "NIST.800.53.R5-LambdaDLQ", reason: props.withoutDeadLetterQueue });
    if ("unreservedBecause" in props.concurrency)
      validations.acknowledge({
        id: "NIST.800.53.R5-LambdaConcurrency",
        reason: props.concurrency.unreservedBecause,
      });
  }

  /**
   * Active X-Ray tracing, with its two write actions in a policy of their own. The `tracing` prop
   * would put them into the role's default policy, where the wildcard acknowledgement they need
   * would also hide any wildcard a later grant adds there.
   */
  private enableActiveTracing(): void {
    const cfnFunction = this.function.node.defaultChild as lambda.CfnFunction;
    cfnFunction.tracingConfig = { mode: lambda.Tracing.ACTIVE };
    const policy = new iam.Policy(this, "XRayWrite", {
      statements: [
        new iam.PolicyStatement({
          actions: ["xray:PutTraceSegments", "xray:PutTelemetryRecords"],
          resources: ["*"],
        }),
      ],
    });
    policy.attachToRole(this.role);
    // The policy must exist before the function so that its first traces are not refused.
    cfnFunction.addResourceDependency(policy.node.defaultChild as iam.CfnPolicy);
    Validations.of(policy).acknowledge({
      id: "AwsSolutions-IAM5[Resource::*]",
      reason:
        "xray:PutTraceSegments and xray:PutTelemetryRecords support no resource-level permissions; " +
        "AWS documents Resource * for them (this policy holds nothing else).",
    });
  }
}
