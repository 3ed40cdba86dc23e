import { CloudFormationClient, DescribeStacksCommand } from "@aws-sdk/client-cloudformation";
import { getStage, type StageConfig, stackNamePrefix } from "../lib/config/stages";

export class StageOutputsError extends Error {}

/**
 * The outputs of a deployed stage's stateful stack (table names, user pool, secrets), read with the
 * operator's AWS credentials: how the CLIs find a stage without any name typed by hand.
 */
export async function statefulOutputs(
  stageName: string,
): Promise<{ stage: StageConfig; output: (key: string) => string }> {
  const stage = getStage(stageName);
  const stackName = `${stackNamePrefix(stage)}-Stateful`;
  const cloudFormation = new CloudFormationClient({ region: stage.region });
  let outputs: Map<string, string>;
  try {
    const { Stacks } = await cloudFormation.send(new DescribeStacksCommand({ StackName: stackName }));
    outputs = new Map((Stacks?.[0]?.Outputs ?? []).map((o) => [o.OutputKey ?? "", o.OutputValue ?? ""]));
  } catch (error) {
    throw new StageOutputsError(
      `cannot read the outputs of the stack ${stackName} in ${stage.region} (${error instanceof Error ? error.name : String(error)}): is the stage deployed, and are your AWS credentials set?`,
    );
  } finally {
    cloudFormation.destroy();
  }
  return {
    stage,
    output(key) {
      const value = outputs.get(key);
      if (!value)
        throw new StageOutputsError(
          `the stack ${stackName} has no output ${key}: deploy the current version`,
        );
      return value;
    },
  };
}
