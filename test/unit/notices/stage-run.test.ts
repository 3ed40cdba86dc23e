import { InvokeCommand, type InvokeCommandOutput, LambdaClient } from "@aws-sdk/client-lambda";
import { mockClient } from "aws-sdk-client-mock";
import { afterAll, beforeEach, describe, expect, it } from "vitest";
import type { DispatchTask } from "../../../lambdas/definitions/notices";
import { type DispatchSummary, emptySummary } from "../../../lambdas/domain/notices/dispatch";
import { runOnStage, StageRunError, stageSummaryLine } from "../../../local/notices/stage-run";

/**
 * `npm run notices -- --stage NAME` (local/notices/stage-run.ts) against a mocked Lambda client: it
 * invokes the stage's dispatch worker for every shard, follows each `next` until the shard is done,
 * and adds the counts up into the contract's summary line.
 */

const lambda = mockClient(LambdaClient);
afterAll(() => lambda.restore());

/** The invocation's Payload: bytes (the SDK's blob adapter is a Uint8Array with helpers we do not use). */
const encode = (value: unknown) =>
  new TextEncoder().encode(JSON.stringify(value)) as unknown as InvokeCommandOutput["Payload"];
const summaryOf = (part: Partial<DispatchSummary>): DispatchSummary => ({ ...emptySummary(), ...part });
const tasksSent = () =>
  lambda
    .commandCalls(InvokeCommand)
    .map((c) => JSON.parse(new TextDecoder().decode(c.args[0].input.Payload as Uint8Array)) as DispatchTask);

beforeEach(() => lambda.reset());

describe("the day's dispatch on a stage", () => {
  it("drives every shard, following continuations, and adds the counts up", async () => {
    // Shard 2 needs three invocations; the others one.
    lambda.on(InvokeCommand).callsFake((input: { Payload: Uint8Array }) => {
      const task = JSON.parse(new TextDecoder().decode(input.Payload)) as DispatchTask;
      const step = Number(task.cursor?.step ?? 0);
      const next = task.shard === 2 && step < 2 ? { ...task, cursor: { step: String(step + 1) } } : undefined;
      return {
        StatusCode: 200,
        Payload: encode({
          summary: summaryOf({
            queued: 10,
            skippedCredit: 1,
            skippedInactive: 2,
            alreadySent: task.shard === 0 ? 3 : 0,
          }),
          ...(next ? { next } : {}),
        }),
      };
    });
    const progress: number[] = [];
    const result = await runOnStage({
      lambda: new LambdaClient({ region: "ca-central-1" }),
      functionName: "enrollment-prod-notice-dispatch-worker",
      date: "2026-11-20",
      dryRun: false,
      shards: 4,
      onProgress: (done) => progress.push(done),
    });
    expect(result.invocations).toBe(6);
    expect(result.summary).toMatchObject({
      queued: 60,
      skippedCredit: 6,
      skippedInactive: 12,
      alreadySent: 3,
    });
    expect(stageSummaryLine(result.summary, false)).toBe(
      "queued 60, skipped-credit 6, skipped-inactive 12, already-sent 3",
    );
    const tasks = tasksSent();
    // One run id for every shard and continuation; each continuation is the `next` it was given.
    expect(new Set(tasks.map((t) => t.runId))).toEqual(new Set([result.runId]));
    expect(tasks.filter((t) => t.shard === 2).map((t) => t.cursor?.step)).toEqual([undefined, "1", "2"]);
    expect(tasks.map((t) => t.shard).sort()).toEqual([0, 1, 2, 2, 2, 3]);
    expect(
      lambda
        .commandCalls(InvokeCommand)
        .every((c) => c.args[0].input.FunctionName === "enrollment-prod-notice-dispatch-worker"),
    ).toBe(true);
    expect(Math.max(...progress)).toBe(4);
  });

  it("a dry run asks the workers for a dry run, and says 'would queue'", async () => {
    lambda
      .on(InvokeCommand)
      .resolves({ StatusCode: 200, Payload: encode({ summary: summaryOf({ queued: 5 }) }) });
    const result = await runOnStage({
      lambda: new LambdaClient({ region: "ca-central-1" }),
      functionName: "w",
      date: "2026-11-20",
      dryRun: true,
      shards: 2,
    });
    expect(tasksSent().every((t) => t.dryRun === true)).toBe(true);
    expect(stageSummaryLine(result.summary, true)).toBe(
      "would queue 10, skipped-credit 0, skipped-inactive 0, already-sent 0",
    );
  });

  it("names the shard and the worker's error when an invocation fails", async () => {
    lambda.on(InvokeCommand).resolves({
      StatusCode: 200,
      FunctionError: "Unhandled",
      Payload: encode({ errorType: "Error", errorMessage: "Task timed out after 300.00 seconds" }),
    });
    await expect(
      runOnStage({
        lambda: new LambdaClient({ region: "ca-central-1" }),
        functionName: "w",
        date: "2026-11-20",
        dryRun: false,
        shards: 1,
      }),
    ).rejects.toThrow(
      new StageRunError("the dispatch worker failed on shard 0: Task timed out after 300.00 seconds"),
    );
  });

  it("says what really happened: already-queued and not-queued apart from already-sent", () => {
    expect(stageSummaryLine(summaryOf({ queued: 1, alreadyQueued: 4, notQueued: 2 }), false)).toBe(
      "queued 1, skipped-credit 0, skipped-inactive 0, already-sent 0, already-queued 4, not-queued 2",
    );
  });
});
