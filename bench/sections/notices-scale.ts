import { availableParallelism, loadavg } from "node:os";
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { SESv2Client } from "@aws-sdk/client-sesv2";
import { SQSClient } from "@aws-sdk/client-sqs";
import { NodeHttpHandler } from "@smithy/node-http-handler";
import { createDocumentClient } from "../../lambdas/adapters/dynamodb";
import { noticeStates } from "../../lambdas/adapters/notice-store";
import { pendingBills } from "../../lambdas/adapters/pending-bills";
import { noticeProfiles } from "../../lambdas/adapters/profile-store";
import { sesNoticeMailer } from "../../lambdas/adapters/ses-mailer";
import { sqsNoticeQueue } from "../../lambdas/adapters/sqs-queue";
import { type NoticeMessage, noticeMessage } from "../../lambdas/definitions/notice-message";
import {
  DAILY_NOTICE_CAPACITY,
  DISPATCH_HANDOFF_REMAINING_MS,
  DISPATCH_WORKER_MEMORY_MB,
  DISPATCH_WORKER_TIMEOUT_SECONDS,
  NOTICE_SEND_MS,
  senderSettings,
} from "../../lambdas/definitions/notices";
import { NOTICE_SHARDS } from "../../lambdas/definitions/tables";
import {
  addSummary,
  type DispatchDeps,
  dispatchShard,
  eachLimited,
  emptySummary,
} from "../../lambdas/domain/notices/dispatch";
import { sendNotice } from "../../lambdas/domain/notices/send";
import { getStage } from "../../lib/config/stages";
import { startScaleStub } from "../lib/notices-scale-stub";
import { round } from "../lib/stats";
import { renderTable } from "../lib/table";
import type { BenchContext, Section } from "../section";

/**
 * The daily dispatch at 1,000,000 bills (issue 13): the real dispatcher and sender code (domain use
 * cases, adapters, SDK clients) against latency stubs of DynamoDB (5–10 ms), SQS (10–20 ms) and SES
 * (20–40 ms), bench/lib/notices-scale-stub.ts. DynamoDB Local would be the bottleneck here: its own
 * CPU on the same 2 cores is several times the pipeline's (BENCHMARKS.md, "Notices"). From one
 * worker's measured CPU and wall time per bill, it projects the day: 32 workers in parallel, each
 * handing on at half its timeout, at 512 MB and at the chosen memory. Then a run killed midway.
 */

const today = "2026-11-20";
const latencyMs = { dynamodb: [5, 10], sqs: [10, 20], ses: [20, 40] } as const satisfies Record<
  string,
  [number, number]
>;
/** Bills in the measured shard (sent 2 at a time: about 50 ms each); `BENCH_SCALE_BILLS=1000` for a quicker run. */
const billsVariable = "BENCH_SCALE_BILLS";
const defaultBills = 4000;
/** Lambda gives one full vCPU at 1,769 MB, in proportion below it. */
const fullVcpuMb = 1769;
const rate = getStage("prod").sesMaxSendRatePerSecond;
const verdict = (ok: boolean) => (ok ? "met" : "NOT met");
const int = (n: number) => Math.round(n).toLocaleString("en-US");

function billsToRun(): number {
  const raw = process.env[billsVariable];
  if (!raw) return defaultBills;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 1000 || value > 99_000)
    throw new Error(`${billsVariable} must be a whole number from 1000 to 99000, not "${raw}"`);
  return value;
}

const cpuMsSince = (from: NodeJS.CpuUsage) => {
  const used = process.cpuUsage(from);
  return (used.user + used.system) / 1000;
};

export const section: Section = {
  name: "notices-scale",
  title:
    "Notices at scale: 1,000,000 bills in a day (dispatch fan-out, senders at the stage rate, a run killed midway)",
  async run(context: BenchContext) {
    const bills = billsToRun();
    const loadBefore = loadavg().map((l) => round(l));
    const killBills = 3000;
    const killShard = 1;
    const stub = await startScaleStub({
      billsPerShard: bills,
      shardBills: { [killShard]: killBills },
      today,
      latencyMs,
    });
    const base = {
      region: "ca-central-1",
      credentials: { accessKeyId: "bench", secretAccessKey: "bench" },
      endpoint: stub.url,
      requestHandler: new NodeHttpHandler({ connectionTimeout: 2000, requestTimeout: 10_000 }),
    };
    const raw = new DynamoDBClient({ ...base, maxAttempts: 5 });
    const sqs = new SQSClient({ ...base, maxAttempts: 5 });
    const ses = new SESv2Client(base);
    try {
      const ddb = createDocumentClient(raw);
      const T = { bills: "Bills", profiles: "Profiles", notices: "Notices" };
      const stores = {
        bills: pendingBills(ddb, T.bills),
        profiles: noticeProfiles(ddb, T.profiles),
        states: noticeStates(ddb, T.notices),
        now: () => new Date(`${today}T11:00:00.000Z`),
      };
      const queue = sqsNoticeQueue(sqs, `${stub.url}/000000000000/notices`);
      const deps: DispatchDeps = { ...stores, queue };

      // Warm-up: the first page pays the SDK's lazy loading and the connections.
      await dispatchShard(
        today,
        "warm-up",
        9,
        undefined,
        { ...deps, bills: { ...stores.bills, shards: 10 } },
        {
          shouldStop: () => true,
        },
      );
      stub.notices.length = 0;
      stub.calls.clear();

      // 1. One worker, one shard, end to end.
      context.progress(`notices-scale: dispatching one shard of ${int(bills)} bills`);
      const cpu0 = process.cpuUsage();
      const t0 = performance.now();
      const pageTimes: number[] = [];
      let pageStart = t0;
      const dispatched = await dispatchShard(today, "run-scale", 0, undefined, deps, {
        onProgress: () => {
          const now = performance.now();
          pageTimes.push(now - pageStart);
          pageStart = now;
        },
      });
      const dispatchWallMs = performance.now() - t0;
      const dispatchCpuMs = cpuMsSince(cpu0);
      const dispatchCalls = Object.fromEntries(stub.calls);
      const messages = stub.notices.splice(0).map((b) => noticeMessage.parse(JSON.parse(b)));
      if (dispatched.summary.queued !== bills || messages.length !== bills)
        throw new Error(
          `dispatch queued ${dispatched.summary.queued} (${messages.length} messages) of ${bills}`,
        );

      // 2. Senders, unpaced (their pace is the rate; here we want each notice's own work).
      const mailer = sesNoticeMailer(ses, {
        from: "no-reply@example.test",
        supportPhone: "1 800 567-6353",
        webBaseUrl: "https://example.test",
      });
      // Two at once: each notice's wall time is then its latency and its own CPU, as in a deployed
      // sender, which has its CPU to itself (32 at once on 2 cores would measure the queue for them).
      const senders = 2;
      context.progress(`notices-scale: sending ${int(bills)} notices with ${senders} senders`);
      stub.calls.clear();
      const work: number[] = [];
      const cpu1 = process.cpuUsage();
      const t1 = performance.now();
      await eachLimited(messages, senders, async (message) => {
        const started = performance.now();
        const outcome = await sendNotice(message, { ...stores, mailer });
        if (outcome !== "sent") throw new Error(`send ${outcome}`);
        work.push(performance.now() - started);
      });
      const sendWallMs = performance.now() - t1;
      const sendCpuMs = cpuMsSince(cpu1);
      const sendCalls = Object.fromEntries(stub.calls);
      const duplicates = [...stub.mailed.values()].filter((n) => n > 1).length;
      if (stub.mailed.size !== bills || duplicates > 0)
        throw new Error(`mailed ${stub.mailed.size}, ${duplicates} twice`);
      work.sort((a, b) => a - b);
      const workMean = work.reduce((a, b) => a + b, 0) / work.length;
      const workP95 = work[Math.floor(work.length * 0.95)] ?? Number.NaN;

      // 3. A run killed midway: shard 1 (fresh bills), a first invocation hands on after 4 pages,
      // the second dies on its 3rd page after its claims and before their batch is queued; SQS
      // delivers its task again, which the retry finishes. Then the senders drain the queue.
      context.progress("notices-scale: a run killed midway, and its retry");
      stub.notices.length = 0;
      stub.mailed.clear();
      class Killed extends Error {}
      const pageSize = 100;
      const killDeps: DispatchDeps = { ...deps, bills: pendingBills(ddb, T.bills, { pageSize }) };
      const task = { runId: "run-killed" };
      const first = await dispatchShard(today, task.runId, killShard, undefined, killDeps, {
        shouldStop: (() => {
          let pages = 0;
          return () => ++pages >= 4;
        })(),
      });
      let batches = 0;
      let dead = false;
      const dying: DispatchDeps = {
        ...killDeps,
        states: {
          ...killDeps.states,
          claim: async (...a) => {
            if (dead) throw new Killed();
            return killDeps.states.claim(...a);
          },
        },
        queue: {
          async send(batch) {
            // Page 3's batches: the claims of the page are written, its messages never leave.
            if (++batches > 20) dead = true;
            if (dead) throw new Killed();
            return queue.send(batch);
          },
        },
      };
      let killed = false;
      try {
        await dispatchShard(today, task.runId, killShard, first.next, dying, {});
      } catch (error) {
        if (!(error instanceof Killed)) throw error;
        killed = true;
      }
      const claimedBeforeRetry = [...stub.claims.keys()].filter((k) => k.startsWith(`1${killShard}`)).length;
      const queuedBeforeRetry = stub.notices.length;
      const retry = addSummary(emptySummary(), first.summary);
      let next = first.next;
      // The retry: the same task (same cursor, same run id), continuing until the shard ends.
      for (let invocation = 0; invocation < 100; invocation++) {
        const part = await dispatchShard(today, task.runId, killShard, next, killDeps, {
          shouldStop: (() => {
            let pages = 0;
            return () => ++pages >= 4;
          })(),
        });
        addSummary(retry, part.summary);
        next = part.next;
        if (!next) break;
      }
      const killMessages = stub.notices
        .splice(0)
        .map((b) => noticeMessage.parse(JSON.parse(b)) as NoticeMessage);
      const outcomes: Record<string, number> = {};
      await eachLimited(killMessages, senders, async (message) => {
        const outcome = await sendNotice(message, { ...stores, mailer });
        outcomes[outcome] = (outcomes[outcome] ?? 0) + 1;
      });
      const killDuplicates = [...stub.mailed.values()].filter((n) => n > 1).length;
      const killLost = killBills - stub.mailed.size;

      // Projection for 1,000,000 bills.
      const perBillCpu = dispatchCpuMs / bills;
      const perBillWall = dispatchWallMs / bills;
      const pageMs = pageTimes.reduce((a, b) => a + b, 0) / Math.max(1, pageTimes.length);
      const budgetMs = DISPATCH_WORKER_TIMEOUT_SECONDS * 1000 - DISPATCH_HANDOFF_REMAINING_MS;
      const perShard = Math.ceil(DAILY_NOTICE_CAPACITY / NOTICE_SHARDS);
      const project = (memoryMb: number) => {
        const share = Math.min(1, memoryMb / fullVcpuMb);
        // The waiting stays; the CPU stretches by 1 / share (this machine's core counts as a full vCPU).
        const wallPerBill = perBillWall - perBillCpu + perBillCpu / share;
        const shardMs = perShard * wallPerBill;
        const pageAtMemory = pageMs * (wallPerBill / perBillWall);
        const invocations = Math.ceil(shardMs / budgetMs);
        const largestMs = Math.min(shardMs, budgetMs + pageAtMemory);
        return { memoryMb, share: round(share, 3), wallPerBill, shardMs, invocations, largestMs };
      };
      const projections = [project(512), project(DISPATCH_WORKER_MEMORY_MB)];
      const limitMs = DISPATCH_WORKER_TIMEOUT_SECONDS * 1000;
      const settings = senderSettings(rate);
      const perNoticeSendCpu = sendCpuMs / bills;
      // The deployed sender (512 MB): its CPU stretches, its waiting does not.
      const senderShare = 512 / fullVcpuMb;
      const work512 = workMean - perNoticeSendCpu + perNoticeSendCpu / senderShare;
      const neededSenders = Math.ceil((rate * work512) / 1000);
      const sendDaySeconds = DAILY_NOTICE_CAPACITY / rate;

      console.log(
        renderTable(
          [
            { header: "one worker, one shard", align: "left" },
            { header: "bills", align: "right" },
            { header: "wall ms/bill", align: "right" },
            { header: "CPU ms/bill", align: "right" },
            { header: "ms/page (500)", align: "right" },
            { header: "calls/bill", align: "left" },
          ],
          [
            [
              "dispatch (real code, latency stubs)",
              int(bills),
              perBillWall.toFixed(3),
              perBillCpu.toFixed(3),
              pageMs.toFixed(0),
              Object.entries(dispatchCalls)
                .map(([k, v]) => `${k} ${(v / bills).toFixed(3)}`)
                .join(", "),
            ],
            [
              `send (${senders} at once, unpaced)`,
              int(bills),
              `${workMean.toFixed(1)} (p95 ${workP95.toFixed(1)}) a notice`,
              perNoticeSendCpu.toFixed(3),
              "",
              Object.entries(sendCalls)
                .map(([k, v]) => `${k} ${(v / bills).toFixed(2)}`)
                .join(", "),
            ],
          ],
        ),
      );
      console.log();
      console.log(
        renderTable(
          [
            { header: "1,000,000 bills", align: "left" },
            { header: "memory", align: "right" },
            { header: "vCPU", align: "right" },
            { header: "wall ms/bill", align: "right" },
            { header: "workers", align: "right" },
            { header: "invocations/shard", align: "right" },
            { header: "dispatch done (min)", align: "right" },
            { header: "largest invocation (s)", align: "right" },
            { header: "target", align: "right" },
            { header: "", align: "left" },
          ],
          projections.map((p) => [
            p.memoryMb === DISPATCH_WORKER_MEMORY_MB ? "deployed" : "at 512 MB",
            `${p.memoryMb} MB`,
            p.share.toFixed(2),
            p.wallPerBill.toFixed(3),
            String(NOTICE_SHARDS),
            String(p.invocations),
            (p.shardMs / 60_000).toFixed(1),
            (p.largestMs / 1000).toFixed(0),
            `≤ ${(0.8 * limitMs) / 1000} (80 % of ${limitMs / 1000})`,
            verdict(p.largestMs <= 0.8 * limitMs),
          ]),
        ),
      );
      console.log();
      console.log(
        renderTable(
          [
            { header: "sending 1,000,000", align: "left" },
            { header: "figure", align: "right" },
            { header: "target", align: "right" },
            { header: "", align: "left" },
          ],
          [
            [`prod rate (stages.ts)`, `${rate}/s`, "", ""],
            [
              "one notice's work here / at 512 MB",
              `${workMean.toFixed(1)} / ${work512.toFixed(1)} ms`,
              `≤ ${NOTICE_SEND_MS} ms (NOTICE_SEND_MS)`,
              verdict(work512 <= NOTICE_SEND_MS),
            ],
            [
              "time at that rate",
              `${(sendDaySeconds / 60).toFixed(0)} min`,
              "≤ 24 h",
              verdict(sendDaySeconds <= 86_400),
            ],
            [
              `senders needed (rate × ${work512.toFixed(1)} ms of work at 512 MB)`,
              String(neededSenders),
              `≤ ${settings.maxConcurrency} configured`,
              verdict(neededSenders <= settings.maxConcurrency),
            ],
            [
              "whole day (dispatch, then the backlog)",
              `${((projections[1]?.shardMs ?? 0) / 60_000 + sendDaySeconds / 60).toFixed(0)} min`,
              "≤ 24 h",
              verdict((projections[1]?.shardMs ?? 0) / 1000 + sendDaySeconds <= 86_400),
            ],
          ],
        ),
      );
      console.log();
      console.log(
        renderTable(
          [
            { header: "killed midway", align: "left" },
            { header: "figure", align: "right" },
            { header: "target", align: "right" },
            { header: "", align: "left" },
          ],
          [
            ["bills of the shard", int(killBills), "", ""],
            [
              "invocation killed after its claims, before its queue",
              killed ? "yes" : "no",
              "yes",
              verdict(killed),
            ],
            [
              "claimed / queued when it died",
              `${int(claimedBeforeRetry)} / ${int(queuedBeforeRetry)}`,
              "",
              "",
            ],
            ["resumed by the retry (same run id)", int(retry.resumed), "> 0", verdict(retry.resumed > 0)],
            [
              "already-sent / already-queued counted",
              `${retry.alreadySent} / ${retry.alreadyQueued}`,
              "0 / 0",
              verdict(retry.alreadySent + retry.alreadyQueued === 0),
            ],
            ["e-mails sent twice", String(killDuplicates), "0", verdict(killDuplicates === 0)],
            ["bills never e-mailed (lost)", String(killLost), "0", verdict(killLost === 0)],
          ],
        ),
      );
      const loadAfter = loadavg().map((l) => round(l));
      console.log(
        `\nLatency stubs: DynamoDB ${latencyMs.dynamodb.join("–")} ms, SQS ${latencyMs.sqs.join("–")} ms, SES ${latencyMs.ses.join("–")} ms a call, in this process ` +
          `(their CPU is counted with the pipeline's: the CPU figures are an upper bound). Projection: each of ${NOTICE_SHARDS} workers walks ` +
          `${int(perShard)} bills; the CPU per bill stretches by ${fullVcpuMb} MB / memory (Lambda's vCPU share), the waiting does not; ` +
          `a worker hands on once ${DISPATCH_HANDOFF_REMAINING_MS / 1000} s of its ${DISPATCH_WORKER_TIMEOUT_SECONDS} s are left. ` +
          `Sender outcomes after the kill: ${JSON.stringify(outcomes)}. ${availableParallelism()} cores; load average ${loadBefore.join(", ")} before, ${loadAfter.join(", ")} after.`,
      );
      return {
        bills,
        latencyMs,
        dispatch: {
          wallMs: round(dispatchWallMs),
          cpuMs: round(dispatchCpuMs),
          perBillWall,
          perBillCpu,
          pageMs,
          calls: dispatchCalls,
          summary: dispatched.summary,
        },
        send: {
          wallMs: round(sendWallMs),
          cpuMs: round(sendCpuMs),
          workMean,
          workP95,
          calls: sendCalls,
          senders,
        },
        projections,
        sending: { rate, neededSenders, configured: settings, sendDaySeconds },
        killed: {
          killed,
          claimedBeforeRetry,
          queuedBeforeRetry,
          retry,
          outcomes,
          duplicates: killDuplicates,
          lost: killLost,
        },
        loadAverage: { before: loadBefore, after: loadAfter },
      };
    } finally {
      raw.destroy();
      sqs.destroy();
      ses.destroy();
      await stub.close();
    }
  },
};
