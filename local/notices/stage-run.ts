import { randomUUID } from "node:crypto";
import { InvokeCommand, type LambdaClient } from "@aws-sdk/client-lambda";
import { type DispatchTask, dispatchTask } from "../../lambdas/definitions/dispatch-task";
import {
  addSummary,
  type DispatchSummary,
  eachLimited,
  emptySummary,
} from "../../lambdas/domain/notices/dispatch";

export class StageRunError extends Error {}

export interface StageRunOptions {
  readonly lambda: LambdaClient;
  /** The stage's dispatch worker (`${prefix}-notice-dispatch-worker`). */
  readonly functionName: string;
  readonly date: string;
  readonly dryRun: boolean;
  readonly shards: number;
  /** Shards walked at once (each a chain of invocations). */
  readonly parallel?: number;
  /** After each invocation: shards finished so far, and the counts so far. */
  readonly onProgress?: (shardsDone: number, summary: DispatchSummary) => void;
}

export interface StageRunResult {
  readonly runId: string;
  readonly summary: DispatchSummary;
  readonly invocations: number;
}

const decoder = new TextDecoder();

/**
 * `npm run notices -- --stage NAME`: the day's dispatch on a deployed stage, driven from here. Each
 * shard's worker is invoked directly (RequestResponse) with `{date, shard, runId}`, and again with
 * the `next` it returns until its shard is done; the counts of every invocation are added up. The
 * notices go onto the stage's queue, where its senders send them at the stage's rate. One run id for
 * every shard, as the scheduled run: a failed invocation may be re-run by running the command again
 * (its claims are then another run's: already-queued, never queued twice).
 */
export async function runOnStage(options: StageRunOptions): Promise<StageRunResult> {
  const runId = randomUUID();
  const total = emptySummary();
  let invocations = 0;
  let done = 0;
  const shards = Array.from({ length: options.shards }, (_, shard) => shard);
  await eachLimited(shards, options.parallel ?? 8, async (shard) => {
    let task: DispatchTask | undefined = {
      date: options.date,
      shard,
      runId,
      ...(options.dryRun ? { dryRun: true } : {}),
    };
    while (task) {
      const out = await options.lambda.send(
        new InvokeCommand({
          FunctionName: options.functionName,
          InvocationType: "RequestResponse",
          Payload: new TextEncoder().encode(JSON.stringify(task)),
        }),
      );
      invocations++;
      const text = out.Payload ? decoder.decode(out.Payload) : "";
      if (out.FunctionError) {
        const message = (() => {
          try {
            return (JSON.parse(text) as { errorMessage?: string }).errorMessage ?? text;
          } catch {
            return text;
          }
        })();
        throw new StageRunError(`the dispatch worker failed on shard ${shard}: ${message}`);
      }
      const result = JSON.parse(text) as { summary?: DispatchSummary; next?: unknown };
      if (!result.summary)
        throw new StageRunError(`the dispatch worker answered without a summary: ${text.slice(0, 200)}`);
      addSummary(total, result.summary);
      task = result.next === undefined ? undefined : dispatchTask.parse(result.next);
      if (!task) done++;
      options.onProgress?.(done, total);
    }
  });
  return { runId, summary: total, invocations };
}

/** The contract's summary line, for a stage: the notices are queued there, its senders send them. */
export function stageSummaryLine(summary: DispatchSummary, dryRun: boolean): string {
  const parts = [
    `${dryRun ? "would queue" : "queued"} ${summary.queued}`,
    `skipped-credit ${summary.skippedCredit}`,
    `skipped-inactive ${summary.skippedInactive}`,
    `already-sent ${summary.alreadySent}`,
  ];
  if (summary.alreadyQueued > 0) parts.push(`already-queued ${summary.alreadyQueued}`);
  if (summary.notQueued > 0) parts.push(`not-queued ${summary.notQueued}`);
  if (summary.failed > 0) parts.push(`failed ${summary.failed}`);
  return parts.join(", ");
}
