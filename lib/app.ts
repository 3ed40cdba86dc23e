import { App, Tags, Validations } from "aws-cdk-lib";
import { AwsSolutionsChecks, NIST80053R5Checks } from "cdk-nag";
import { getStage, type StageConfig, stackNamePrefix } from "./config/stages";
import { StatefulStack } from "./stacks/stateful-stack";
import { StatelessStack } from "./stacks/stateless-stack";

export interface EnrollmentApp {
  readonly app: App;
  readonly stage: StageConfig;
  readonly stateful: StatefulStack;
  readonly stateless: StatelessStack;
}

/**
 * The stage's configuration with what the CLI context may replace: `-c alarmEmail=ADDRESS` (the
 * operators' real address need not be committed).
 */
function stageWithContext(stageName: string, app: App): StageConfig {
  const stage = getStage(stageName);
  const alarmEmail: unknown = app.node.tryGetContext("alarmEmail");
  if (alarmEmail === undefined) return stage;
  if (typeof alarmEmail !== "string" || !/^[^@\s]+@[^@\s]+$/.test(alarmEmail))
    throw new Error(`-c alarmEmail must be an e-mail address, not "${String(alarmEmail)}".`);
  return { ...stage, alarms: { ...stage.alarms, email: alarmEmail } };
}

/**
 * Both stacks of one stage, checked by cdk-nag's AWS Solutions and NIST 800-53 rev 5 packs. With
 * cdk-nag 3 a pack is a policy validation plugin: an unacknowledged error fails `cdk synth`.
 * Throws UnknownStageError for a stage that stages.ts does not define.
 */
export function buildApp(stageName: string, app: App = new App()): EnrollmentApp {
  const stage = stageWithContext(stageName, app);
  const env = { account: stage.account, region: stage.region };
  const prefix = stackNamePrefix(stage);

  const stateful = new StatefulStack(app, `${prefix}-Stateful`, {
    env,
    stage,
    description: `Online services enrollment (${stage.name}): tables, user pool, documents, e-mail, secrets`,
    terminationProtection: stage.retainData,
  });
  const stateless = new StatelessStack(app, `${prefix}-Stateless`, {
    env,
    stage,
    stateful,
    description: `Online services enrollment (${stage.name}): functions, REST API, WAF`,
  });

  for (const stack of [stateful, stateless]) {
    Tags.of(stack).add("application", "online-services-enrollment");
    Tags.of(stack).add("stage", stage.name);
  }
  Validations.of(app).addPlugins(
    new AwsSolutionsChecks(app, { verbose: true }),
    new NIST80053R5Checks(app, { verbose: true }),
  );
  return { app, stage, stateful, stateless };
}
