import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { LambdaClient } from "@aws-sdk/client-lambda";
import { SESv2Client } from "@aws-sdk/client-sesv2";
import { NodeHttpHandler } from "@smithy/node-http-handler";
import { Presets, SingleBar } from "cli-progress";
import { createDocumentClient } from "../../lambdas/adapters/dynamodb";
import { noticeDeps } from "../../lambdas/adapters/notice-deps";
import { runtimeConfig } from "../../lambdas/adapters/runtime-config";
import { NOTICE_DISPATCH_WORKER_ENTRY } from "../../lambdas/definitions/notices";
import { NOTICE_SHARDS } from "../../lambdas/definitions/tables";
import { dateInTimeZone, isCalendarDate } from "../../lambdas/domain/dates";
import { getStage, isStageName, resourcePrefix, stageNames } from "../../lib/config/stages";
import { LOCAL_CREDENTIALS, LOCAL_REGION, localDir } from "../settings";
import { type Endpoints, handlerEnvironment } from "../stack";
import { runNotices } from "./run-notices";
import { runOnStage, StageRunError, stageSummaryLine } from "./stage-run";

const USAGE = "usage: npm run notices -- [--date YYYY-MM-DD] [--dry-run] [--stage NAME]";

class UsageError extends Error {}

interface Args {
  date: string;
  dryRun: boolean;
  stage?: string;
}

function parseArgs(argv: readonly string[]): Args {
  let date = dateInTimeZone(new Date());
  let dryRun = false;
  let stage: string | undefined;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    if (arg === "--dry-run") dryRun = true;
    else if (arg === "--stage" || arg.startsWith("--stage=")) {
      const value = arg === "--stage" ? argv[++i] : arg.slice("--stage=".length);
      if (!value || !isStageName(value))
        throw new UsageError(`--stage needs one of ${stageNames.join(", ")}, got ${value ?? "nothing"}`);
      stage = value;
    } else if (arg === "--date" || arg.startsWith("--date=")) {
      const value = arg === "--date" ? argv[++i] : arg.slice("--date=".length);
      if (!value || !isCalendarDate(value))
        throw new UsageError(`--date needs a real date YYYY-MM-DD, got ${value ?? "nothing"}`);
      if (value > dateInTimeZone(new Date())) {
        throw new UsageError(`--date ${value} is in the future: its bills are not available yet`);
      }
      date = value;
    } else throw new UsageError(`unknown option ${arg}`);
  }
  return { date, dryRun, ...(stage ? { stage } : {}) };
}

/** `--stage NAME`: the stage's dispatch workers, invoked from here, every shard at once. */
async function onStage(args: Args & { stage: string }): Promise<number> {
  const stage = getStage(args.stage);
  const lambda = new LambdaClient({ region: stage.region });
  const showBar = Boolean(process.stderr.isTTY) && !process.env.CI;
  const bar = showBar
    ? new SingleBar(
        {
          format: " {bar} {value}/{total} shards | {queued} queued",
          hideCursor: true,
          clearOnComplete: true,
        },
        Presets.shades_classic,
      )
    : null;
  bar?.start(NOTICE_SHARDS, 0, { queued: 0 });
  try {
    const { summary } = await runOnStage({
      lambda,
      functionName: `${resourcePrefix(stage)}-${NOTICE_DISPATCH_WORKER_ENTRY}`,
      date: args.date,
      dryRun: args.dryRun,
      shards: NOTICE_SHARDS,
      onProgress: (done, so) => bar?.update(done, { queued: so.queued }),
    });
    bar?.stop();
    if (summary.settledUnsent > 0) {
      process.stdout.write(
        `${summary.settledUnsent} bills older than the catch-up window or than the account's activation ${args.dryRun ? "would be" : "were"} settled without a notice\n`,
      );
    }
    if (!args.dryRun && summary.queued > 0) {
      const minutes = Math.ceil(summary.queued / stage.sesMaxSendRatePerSecond / 60);
      process.stdout.write(
        `${summary.queued} notices are on ${stage.name}'s queue: its senders send them at ${stage.sesMaxSendRatePerSecond}/s (about ${minutes} min)\n`,
      );
    }
    process.stdout.write(`${stageSummaryLine(summary, args.dryRun)}\n`);
    return summary.failed > 0 || summary.notQueued > 0 ? 1 : 0;
  } catch (error) {
    bar?.stop();
    if (error instanceof StageRunError) {
      process.stderr.write(`notices: ${error.message}\n`);
      return 1;
    }
    const name = error instanceof Error ? error.name : String(error);
    process.stderr.write(
      `notices: cannot invoke the dispatch worker of ${stage.name} in ${stage.region} (${name}): is the stage deployed, and are your AWS credentials set?\n`,
    );
    return 1;
  } finally {
    lambda.destroy();
  }
}

/** `npm run notices`: today's (or --date's) notices against the running local stack. */
async function main(): Promise<number> {
  let args: Args;
  try {
    args = parseArgs(process.argv.slice(2));
  } catch (error) {
    process.stderr.write(`notices: ${(error as Error).message}\n${USAGE}\n`);
    return 2;
  }
  if (args.stage) return onStage({ ...args, stage: args.stage });
  const file = join(localDir, "endpoints.json");
  if (!existsSync(file)) {
    process.stderr.write(
      "notices: the local stack is not running (no .local/endpoints.json): start it with `npm start`\n",
    );
    return 1;
  }
  const endpoints = JSON.parse(readFileSync(file, "utf8")) as Endpoints;
  const config = runtimeConfig({ ...process.env, ...handlerEnvironment(endpoints) });
  const credentials = { region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS };
  const raw = new DynamoDBClient({ ...credentials, endpoint: endpoints.dynamodb });
  // The SES emulator must answer fast; a hung call is retried, never waited on forever.
  const ses = new SESv2Client({
    ...credentials,
    endpoint: endpoints.ses,
    requestHandler: new NodeHttpHandler({ connectionTimeout: 1000, requestTimeout: 5000 }),
  });
  try {
    const summary = await runNotices(
      args.date,
      noticeDeps(config, { dynamodb: createDocumentClient(raw), ses }),
      {
        dryRun: args.dryRun,
        sendRatePerSecond: Number(process.env.SES_MAX_SEND_RATE ?? 50),
      },
    );
    if (args.dryRun)
      process.stdout.write(`dry run for ${args.date}: ${summary.dispatch.queued} would be sent\n`);
    if (summary.settledUnsent > 0) {
      process.stdout.write(
        `${summary.settledUnsent} bills older than the catch-up window or than the account's activation ${args.dryRun ? "would be" : "were"} settled without a notice\n`,
      );
    }
    if (summary.unsent > 0)
      process.stdout.write(`${summary.unsent} notices could not be sent now; the next run retries them\n`);
    process.stdout.write(
      `sent ${summary.sent}, skipped-credit ${summary.skippedCredit}, skipped-inactive ${summary.skippedInactive}, already-sent ${summary.alreadySent}\n`,
    );
    return summary.unsent > 0 ? 1 : 0;
  } finally {
    raw.destroy();
    ses.destroy();
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    const name = error instanceof Error ? error.name : "";
    if (name === "ECONNREFUSED" || /ECONNREFUSED/.test(String(error))) {
      process.stderr.write("notices: the local stack does not answer: start it with `npm start`\n");
    } else {
      process.stderr.write(
        `notices: unexpected failure: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
      );
    }
    process.exit(1);
  },
);
