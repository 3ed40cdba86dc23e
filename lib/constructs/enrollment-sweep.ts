import { type CfnElement, Duration, Stack, Validations } from "aws-cdk-lib";
import * as iam from "aws-cdk-lib/aws-iam";
import * as scheduler from "aws-cdk-lib/aws-scheduler";
import * as schedulerTargets from "aws-cdk-lib/aws-scheduler-targets";
import { Construct } from "constructs";
import { ENROLLMENT_SWEEP_INTERVAL_MINUTES } from "../../lambdas/definitions/limits";
import { PENDING_INDEX, profilesTable } from "../../lambdas/definitions/tables";
import type { StageConfig } from "../config/stages";
import type { GrantableResources } from "../stacks/function-grants";
import { ApiFunction } from "./api-function";

export interface EnrollmentSweepProps {
  readonly stage: StageConfig;
  readonly prefix: string;
  readonly resources: GrantableResources;
  /** The variables every function receives (lambdas/definitions/environment.ts). */
  readonly environment: Readonly<Record<string, string>>;
}

/** The sweep's function, by handler module. */
export const enrollmentSweeperFunction = {
  entry: "enrollment-sweeper",
  description: "Hourly: unconfirmed enrollments 24 hours old expire (users deleted, addresses freed)",
} as const;

/** How often the sweep runs (limits.ts, shared with the local stack's timer). */
export const SWEEP_RATE = Duration.minutes(ENROLLMENT_SWEEP_INTERVAL_MINUTES);

/**
 * Unconfirmed enrollments expire 24 hours after they began (contract §4): a schedule invokes the
 * sweeper, which queries the profiles' `pendingSince` index, deletes each expired enrollment's
 * Cognito users and clears its profile. Its grants are exactly that: Query on that one index,
 * GetItem and UpdateItem on the profiles, AdminGetUser and AdminDeleteUser on the user pool.
 */
export class EnrollmentSweep extends Construct {
  readonly sweeper: ApiFunction;

  constructor(scope: Construct, id: string, props: EnrollmentSweepProps) {
    super(scope, id);
    const { stage, prefix, resources } = props;
    const profiles = resources.tables.get(profilesTable.id);
    if (!profiles) throw new Error("EnrollmentSweep: no profiles table");

    this.sweeper = new ApiFunction(this, "Sweeper", {
      stage,
      functionName: `${prefix}-${enrollmentSweeperFunction.entry}`,
      entry: enrollmentSweeperFunction.entry,
      description: enrollmentSweeperFunction.description,
      environment: props.environment,
      // A few Cognito calls per expired enrollment; a day's worth fits in far less.
      timeout: Duration.minutes(5),
      // One sweep at a time: its AdminDeleteUser calls share the user pool's request rate quota with
      // the customers' sign-ins.
      concurrency: { reserved: 1 },
      withoutDeadLetterQueue:
        "Invoked hourly by its schedule: a failed sweep is retried by the next one, which finds the same " +
        "expired enrollments through the pendingSince index; nothing is lost with the event.",
    });
    const fn = this.sweeper.function;
    // Narrower than the "readWrite" of function-grants.ts: no Put, Delete, batch writes, nor the
    // other index.
    fn.addToRolePolicy(
      new iam.PolicyStatement({
        actions: ["dynamodb:GetItem", "dynamodb:UpdateItem"],
        resources: [profiles.tableArn],
      }),
    );
    fn.addToRolePolicy(
      new iam.PolicyStatement({
        actions: ["dynamodb:Query"],
        resources: [`${profiles.tableArn}/index/${PENDING_INDEX}`],
      }),
    );
    fn.addEnvironment(profilesTable.envVar, profiles.tableName);
    resources.userPool.grant(fn, "cognito-idp:AdminGetUser", "cognito-idp:AdminDeleteUser");

    // Our own role for the schedule, so that its one finding is acknowledged where it stands.
    const scheduleRole = new iam.Role(this, "ScheduleRole", {
      assumedBy: new iam.ServicePrincipal("scheduler.amazonaws.com"),
      description: "Lets the hourly schedule invoke the enrollment sweeper, and nothing else",
    });
    new scheduler.Schedule(this, "HourlySchedule", {
      description: "Expires unconfirmed enrollments 24 hours old",
      schedule: scheduler.ScheduleExpression.rate(SWEEP_RATE),
      target: new schedulerTargets.LambdaInvoke(fn, {
        input: scheduler.ScheduleTargetInput.fromObject({}),
        // The next run retries anyway: a short retry is enough.
        retryAttempts: 2,
        role: scheduleRole,
      }),
    });
    Validations.of(scheduleRole).acknowledge({
      id: "NIST.800.53.R5-IAMNoInlinePolicy",
      reason:
        "The schedule's own role, with one policy that invokes the sweeper only; a managed policy would be " +
        "a second resource that other roles could attach.",
    });
    Validations.of(scheduleRole).acknowledge({
      id: `AwsSolutions-IAM5[Resource::<${Stack.of(this).getLogicalId(fn.node.defaultChild as CfnElement)}.Arn>:*]`,
      reason:
        "CDK's grantInvoke allows the sweeper function and its versions (ARN:*); the role can invoke that one function only.",
    });
  }
}
