import { App } from "aws-cdk-lib";
import { buildApp } from "../lib/app";
import { UnknownStageError } from "../lib/config/stages";

const app = new App();
const stageName: unknown = app.node.tryGetContext("stage") ?? "dev";

try {
  buildApp(String(stageName), app);
} catch (error) {
  // One clear line for an operator's typo, not a stack trace.
  if (error instanceof UnknownStageError) {
    console.error(error.message);
    process.exit(1);
  }
  throw error;
}
