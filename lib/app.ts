import { App, Tags, Validations } from "aws-cdk-lib";
import { AwsSolutionsChecks } from "cdk-nag";
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
 * Both stacks of one stage, checked by cdk-nag's AWS Solutions pack. With cdk-nag 3 the pack is a
 * policy validation plugin: an unacknowledged error fails `cdk synth`.
 * Throws UnknownStageError for a stage that stages.ts does not define.
 */
export function buildApp(stageName: string, app: App = new App()): EnrollmentApp {
  const stage = getStage(stageName);
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
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app, { verbose: true }));
  return { app, stage, stateful, stateless };
}
