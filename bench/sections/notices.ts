import { mkdtemp, rm } from "node:fs/promises";
import { availableParallelism, loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { SESv2Client } from "@aws-sdk/client-sesv2";
import { QueryCommand, ScanCommand } from "@aws-sdk/lib-dynamodb";
import { NodeHttpHandler } from "@smithy/node-http-handler";
import { createDocumentClient } from "../../lambdas/adapters/dynamodb";
import { noticeDeps } from "../../lambdas/adapters/notice-deps";
import { runtimeConfig } from "../../lambdas/adapters/runtime-config";
import { QUEUE_BATCH_SIZE, senderSettings } from "../../lambdas/definitions/notices";
import { billsTable, NOTICE_SHARDS } from "../../lambdas/definitions/tables";
import { dateInTimeZone } from "../../lambdas/domain/dates";
import { billKey } from "../../lambdas/domain/notices/ports";
import { freeLocalPorts } from "../../local/emulators/process";
import { localTargetAt } from "../../local/import/target";
import { runNotices } from "../../local/notices/run-notices";
import { readLocalPepper } from "../../local/pepper-file";
import { LOCAL_CREDENTIALS, LOCAL_REGION } from "../../local/settings";
import { handlerEnvironment, startLocalStack } from "../../local/stack";
import {
  type CostLine,
  costOfMillion,
  type PipelineShape,
  prices,
  senderWorkOnlyUsd,
} from "../lib/notices-cost";
import { cpuMs, findByPort, type ProcessCpu } from "../lib/notices-cpu";
import {
  maxInWindow,
  meterDynamo,
  type OperationTally,
  type Phase,
  perSlice,
  recordingMailer,
} from "../lib/notices-meter";
import { emailOf, seedNotices } from "../lib/notices-seed";
import { round } from "../lib/stats";
import { renderTable } from "../lib/table";
import type { BenchContext, Section } from "../section";

/** The issue's figures: 20,000 eligible bills sent at a configured 200 e-mails a second. */
const defaultBills = 20_000;
/**
 * The runner takes no section options (its parser is strict), so a quicker run is asked for through
 * the environment: `BENCH_NOTICES_BILLS=2000 npm run bench -- --only notices`.
 */
const billsVariable = "BENCH_NOTICES_BILLS";
const billsPerAccount = 2;
const sendRatePerSecond = 200;
/**
 * Concurrent senders over the one pacer: as many as the deployed sender's maximum concurrency at
 * this rate (senderSettings: 20 at 200/s), so one notice may take up to 100 ms before a pace slot is
 * lost. `BENCH_NOTICES_SENDERS` changes it, to see whether the rate is bound by latency (more
 * senders help) or by CPU (they do not).
 */
const defaultSenders = senderSettings(sendRatePerSecond).maxConcurrency;
const sendersVariable = "BENCH_NOTICES_SENDERS";
/** Targets from the issue: at least 0.9 of the configured rate, never above it. */
const minRateRatio = 0.9;
/** The deployed sender (lib/constructs/api-function.ts: 512 MB, bundling.ts: arm64). */
const lambdaMemoryGb = 0.5;
/** Bills handed to the SES emulator's `/get-emlContent` to check what it holds. */
const spotChecks = 5;
/** Progress line every this many ms while sending. */
const progressEveryMs = 10_000;
const sliceMs = 10_000;

function billsToSend(): number {
  const raw = process.env[billsVariable];
  if (raw === undefined || raw === "") return defaultBills;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 10 || value > 200_000)
    throw new Error(`${billsVariable} must be a whole number from 10 to 200000, not "${raw}"`);
  return value;
}

function sendersToRun(): number {
  const raw = process.env[sendersVariable];
  if (raw === undefined || raw === "") return defaultSenders;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 1 || value > 256)
    throw new Error(`${sendersVariable} must be a whole number from 1 to 256, not "${raw}"`);
  return value;
}

/** A notice run that completes no DynamoDB call and sends no e-mail for this long has hung. */
const stallMs = 120_000;

/**
 * Fails when `progress()` stays the same for `stallMs`: a guard against a hang, not a target. A
 * deadline on the whole run would also fail a run that is only slow: on a loaded machine (2 cores,
 * a load average of 9) the run went at a fifteenth of the rate and met a deadline of ten times the
 * expected time at 18,000 of 20,000 e-mails, making progress every second. The run stays bounded:
 * its work is finite (runNotices retries a bounded number of rounds) and every step of it must
 * come within `stallMs`.
 */
function withStallGuard<T>(promise: Promise<T>, progress: () => number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const stalled = new Promise<never>((_, fail) => {
    let last = progress();
    let lastChangeMs = performance.now();
    timer = setInterval(() => {
      const now = progress();
      if (now !== last) {
        last = now;
        lastChangeMs = performance.now();
      } else if (performance.now() - lastChangeMs >= stallMs) {
        fail(new Error(`${what} made no progress for ${stallMs / 1000} s (${now} steps done)`));
      }
    }, 1000);
  });
  return Promise.race([promise, stalled]).finally(() => clearInterval(timer));
}

function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] as number;
}

function distributionOf(samples: readonly number[]) {
  const sorted = [...samples].sort((a, b) => a - b);
  const mean = sorted.reduce((a, b) => a + b, 0) / Math.max(1, sorted.length);
  return {
    count: sorted.length,
    mean: round(mean),
    p50: round(percentile(sorted, 0.5)),
    p95: round(percentile(sorted, 0.95)),
    p99: round(percentile(sorted, 0.99)),
    max: round(sorted[sorted.length - 1] ?? Number.NaN),
  };
}

const int = (n: number) => Math.round(n).toLocaleString("en-US");
const usd = (n: number) => `$${n < 0.01 ? n.toFixed(4) : n.toFixed(2)}`;
const verdict = (ok: boolean) => (ok ? "met" : "NOT met");

/** Sums one phase's tallies: per operation, and the phase's total. */
function phaseTotals(tallies: Record<string, OperationTally>) {
  const total = {
    calls: 0,
    attempts: 0,
    failures: 0,
    withoutCapacity: 0,
    readUnits: 0,
    writeUnits: 0,
    ms: 0,
  };
  for (const t of Object.values(tallies)) {
    total.calls += t.calls;
    total.attempts += t.attempts;
    total.failures += t.failures;
    total.withoutCapacity += t.withoutCapacity;
    total.readUnits += t.readUnits;
    total.writeUnits += t.writeUnits;
    total.ms += t.ms;
  }
  return total;
}

async function sesHolds(sesEndpoint: string, messageId: string, to: string): Promise<boolean> {
  const response = await fetch(`${sesEndpoint}/get-emlContent?messageId=${encodeURIComponent(messageId)}`, {
    signal: AbortSignal.timeout(10_000),
  });
  if (!response.ok) return false;
  // `{ messageId, fileName, body }`, the .eml as a serialized Buffer.
  const found = (await response.json()) as { messageId?: string; body?: { data?: number[] } | string };
  const eml =
    typeof found.body === "string" ? found.body : Buffer.from(found.body?.data ?? []).toString("utf8");
  return found.messageId === messageId && new RegExp(`^To: ${to.replaceAll(".", "\\.")}\\r?$`, "m").test(eml);
}

export const section: Section = {
  name: "notices",
  title: `"Your bill is available" notices: eligible bills through the pipeline to the SES emulator at ${sendRatePerSecond}/s`,
  async run(context: BenchContext) {
    const bills = billsToSend();
    const senders = sendersToRun();
    const work = await mkdtemp(join(tmpdir(), "bench-notices-"));
    const stackDir = join(work, "stack");
    const warnings: string[] = [];
    const savedEnv = { ...process.env };
    const loadBefore = loadavg().map((l) => round(l));
    let stack: Awaited<ReturnType<typeof startLocalStack>> | undefined;
    const closers: (() => void)[] = [];
    let ticker: NodeJS.Timeout | undefined;
    try {
      const ports = await freeLocalPorts();
      stack = await startLocalStack({
        ports,
        dir: stackDir,
        persist: false,
        serveApi: false,
        onProgress: (step) => context.progress(`notices: ${step}`),
      });
      // The stack names localhost; the bench talks to 127.0.0.1 only.
      const dynamodbEndpoint = `http://127.0.0.1:${ports.dynamodb}`;
      const sesEndpoint = `http://127.0.0.1:${ports.ses}`;
      const config = runtimeConfig({ ...process.env, ...handlerEnvironment(stack.endpoints) });
      const target = localTargetAt(dynamodbEndpoint, readLocalPepper(stackDir));
      closers.push(() => target.close());

      const now = new Date();
      const today = dateInTimeZone(now);
      context.progress(
        `notices: seeding ${int(bills)} eligible bills over ${int(Math.ceil(bills / billsPerAccount))} accounts (not timed)`,
      );
      const seed = await seedNotices({
        target,
        profilesTable: config.tables.profiles,
        dir: work,
        bills,
        billsPerAccount,
        today,
        now,
      });

      // The pipeline's own clients, as `npm run notices` builds them; the meter sees every call.
      const credentials = { region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS };
      const raw = new DynamoDBClient({ ...credentials, endpoint: dynamodbEndpoint });
      closers.push(() => raw.destroy());
      const meter = meterDynamo(raw);
      const ses = new SESv2Client({
        ...credentials,
        endpoint: sesEndpoint,
        requestHandler: new NodeHttpHandler({ connectionTimeout: 1000, requestTimeout: 5000 }),
      });
      closers.push(() => ses.destroy());
      const deps = noticeDeps(config, { dynamodb: createDocumentClient(raw), ses });
      const mailer = recordingMailer(deps.mailer);

      const dynamo = findByPort("DynamoDB Local", ports.dynamodb);
      const sesProcess = findByPort("SES emulator", ports.ses);
      const cpuOf = (p: ProcessCpu | undefined) => (p ? cpuMs(p) : undefined);
      const cpuAt = () => ({ dynamodb: cpuOf(dynamo), ses: cpuOf(sesProcess), bench: process.cpuUsage() });
      const cpuStart = cpuAt();
      let cpuAtFirstSend: ReturnType<typeof cpuAt> | undefined;

      // Per bill: when its sender took it (beginSending) and when it was settled (the sender's last
      // write). The first beginSending ends the dispatch phase: runNotices dispatches everything first.
      const begun = new Map<string, number>();
      const settled = new Map<string, number>();
      let firstBeginMs: number | undefined;
      /** sendNotice calls: more than the bills when runNotices retried some. */
      let attempts = 0;
      const states = {
        ...deps.states,
        beginSending: (customerNumber: string, billId: string, at: Date) => {
          const startedMs = performance.now();
          if (firstBeginMs === undefined) {
            firstBeginMs = startedMs;
            meter.phase = "send";
            cpuAtFirstSend = cpuAt();
          }
          attempts++;
          begun.set(billKey(customerNumber, billId), startedMs);
          return deps.states.beginSending(customerNumber, billId, at);
        },
      };
      const pendingBills = {
        ...deps.bills,
        settle: async (customerNumber: string, billId: string) => {
          await deps.bills.settle(customerNumber, billId);
          if (meter.phase === "send") settled.set(billKey(customerNumber, billId), performance.now());
        },
      };

      const expectedSendSeconds = bills / sendRatePerSecond;
      context.progress(
        `notices: dispatching and sending ${int(bills)} notices at ${sendRatePerSecond}/s with ${senders} senders (≈ ${Math.ceil(expectedSendSeconds)} s)`,
      );
      ticker = setInterval(() => {
        context.progress(`notices: ${int(mailer.sends.length)} of ${int(bills)} sent`);
      }, progressEveryMs);
      meter.phase = "dispatch";
      const runStart = performance.now();
      // Progress: every DynamoDB call the pipeline completes (the dispatch sends no e-mail), every e-mail.
      const steps = () =>
        mailer.sends.length +
        Object.values(meter.tallies)
          .flatMap((byOperation) => Object.values(byOperation))
          .reduce((sum, tally) => sum + tally.calls, 0);
      const summary = await withStallGuard(
        runNotices(today, { ...deps, bills: pendingBills, states, mailer }, { sendRatePerSecond, senders }),
        steps,
        "the notice run",
      );
      const runEnd = performance.now();
      meter.phase = undefined;
      clearInterval(ticker);
      ticker = undefined;
      const cpuEnd = cpuAt();

      // Exactly once: every bill sent, none twice, SES accepted each, the state says SENT, the
      // pending index is empty.
      context.progress("notices: checking the notices table, the pending index and the SES emulator");
      const sends = mailer.sends;
      const distinctBills = new Set(sends.map((s) => s.billKey)).size;
      const distinctMessages = new Set(sends.map((s) => s.messageId)).size;
      if (sends.length !== bills) warnings.push(`${sends.length} e-mails handed to SES, expected ${bills}`);
      if (distinctBills !== sends.length)
        warnings.push(`${sends.length - distinctBills} bills were e-mailed twice`);
      // No check on the message ids: the emulator draws them at random from 900 million
      // ("ses-" + 9 digits), so among 20,000 two are alike about one run in five.
      if (summary.sent !== bills || summary.unsent !== 0 || summary.dispatch.queued !== bills)
        warnings.push(`runNotices: ${JSON.stringify(summary)}`);
      if (attempts !== bills)
        warnings.push(
          `${attempts} sendNotice attempts for ${bills} bills (runNotices retried ${attempts - bills})`,
        );
      if (mailer.failures > 0) warnings.push(`${mailer.failures} SES calls failed (retried)`);

      let sentStates = 0;
      let scanned = 0;
      let startKey: Record<string, unknown> | undefined;
      for (let page = 0; page < 10_000; page++) {
        const out = await target.client.send(
          new ScanCommand({
            TableName: config.tables.notices,
            Select: "COUNT",
            FilterExpression: "#state = :sent",
            ExpressionAttributeNames: { "#state": "state" },
            ExpressionAttributeValues: { ":sent": "SENT" },
            ...(startKey ? { ExclusiveStartKey: startKey } : {}),
          }),
        );
        sentStates += out.Count ?? 0;
        scanned += out.ScannedCount ?? 0;
        startKey = out.LastEvaluatedKey;
        if (!startKey) break;
      }
      if (sentStates !== bills || scanned !== bills)
        warnings.push(`notices table: ${sentStates} SENT of ${scanned} items, expected ${bills}`);
      let stillPending = 0;
      for (let shard = 0; shard < NOTICE_SHARDS; shard++) {
        const out = await target.client.send(
          new QueryCommand({
            TableName: config.tables.bills,
            IndexName: billsTable.globalIndexes[0].name,
            KeyConditionExpression: "noticeShard = :s",
            ExpressionAttributeValues: { ":s": String(shard) },
            Select: "COUNT",
          }),
        );
        stillPending += out.Count ?? 0;
      }
      if (stillPending !== 0) warnings.push(`${stillPending} bills still in the pending-notices index`);
      const checkedSends = [0, 1, Math.floor(sends.length / 2), sends.length - 2, sends.length - 1]
        .filter((i, at, all) => i >= 0 && i < sends.length && all.indexOf(i) === at)
        .slice(0, spotChecks)
        .map((i) => sends[i])
        .filter((s) => s !== undefined);
      let spotChecked = 0;
      for (const s of checkedSends) {
        const expectedTo = emailOf(s.billKey.split("#")[0] as string);
        if (s.to !== expectedTo) warnings.push(`${s.billKey} went to ${s.to}, expected ${expectedTo}`);
        if (await sesHolds(sesEndpoint, s.messageId, s.to)) spotChecked++;
        else warnings.push(`the SES emulator has no message ${s.messageId} to ${s.to}`);
      }

      // The rate: sends per second from the first to the last SES call (intervals: n - 1 of them).
      const starts = sends.map((s) => s.startMs);
      const ends = sends.map((s) => s.endMs);
      const firstSend = starts.reduce((a, b) => Math.min(a, b), Number.POSITIVE_INFINITY);
      const lastSend = starts.reduce((a, b) => Math.max(a, b), 0);
      const sendSpanMs = lastSend - firstSend;
      const achievedRate = sends.length > 1 ? (sends.length - 1) / (sendSpanMs / 1000) : 0;
      const rateRatio = achievedRate / sendRatePerSecond;
      const maxPerSecondStart = maxInWindow(starts);
      const maxPerSecondEnd = maxInWindow(ends);
      // The pacer's own slots: runNotices calls sendNotice (whose first call is beginSending) as
      // soon as pace.take() resolves, so the starts of the notices are the slots it handed out.
      const maxPerSecondSlots = maxInWindow([...begun.values()]);
      const slices = perSlice(starts, sliceMs).map((n) => round(n / (sliceMs / 1000), 1));
      const rateMet = rateRatio >= minRateRatio;
      const neverAboveMet = achievedRate <= sendRatePerSecond && maxPerSecondStart <= sendRatePerSecond;

      const dispatchMs = (firstBeginMs ?? runEnd) - runStart;
      const sendPhaseMs = runEnd - (firstBeginMs ?? runEnd);
      const noticeWork: number[] = [];
      for (const [key, at] of settled) {
        const from = begun.get(key);
        if (from !== undefined) noticeWork.push(at - from);
      }
      const noticeWorkMs = distributionOf(noticeWork);
      // Mean sender work of the notices begun in each slice: does the rate follow the latency?
      const workSums: { sum: number; n: number }[] = [];
      for (const [key, at] of settled) {
        const from = begun.get(key);
        if (from === undefined) continue;
        const slice = Math.floor((from - (firstBeginMs ?? from)) / sliceMs);
        while (workSums.length <= slice) workSums.push({ sum: 0, n: 0 });
        const into = workSums[slice] as { sum: number; n: number };
        into.sum += at - from;
        into.n++;
      }
      const workPerSlice = workSums.map((w) => round(w.n > 0 ? w.sum / w.n : Number.NaN, 1));
      const sesLatency = distributionOf(sends.map((s) => s.endMs - s.startMs));

      // DynamoDB per notice, by phase and operation.
      const phases: Phase[] = ["dispatch", "send"];
      const perNotice = (n: number) => n / bills;
      const dynamoRows: string[][] = [];
      const dynamoResults: Record<string, unknown> = {};
      for (const phase of phases) {
        const tallies = meter.tallies[phase];
        for (const [operation, t] of Object.entries(tallies).sort()) {
          dynamoRows.push([
            phase,
            operation,
            perNotice(t.calls).toFixed(3),
            perNotice(t.readUnits).toFixed(3),
            perNotice(t.writeUnits).toFixed(3),
            (t.ms / Math.max(1, t.calls)).toFixed(2),
            Object.entries(t.byTarget)
              .sort()
              .map(([k, v]) => `${k} ${perNotice(v).toFixed(3)}`)
              .join(", "),
          ]);
        }
        const total = phaseTotals(tallies);
        dynamoRows.push([
          phase,
          "(total)",
          perNotice(total.calls).toFixed(3),
          perNotice(total.readUnits).toFixed(3),
          perNotice(total.writeUnits).toFixed(3),
          (total.ms / Math.max(1, total.calls)).toFixed(2),
          "",
        ]);
        if (total.attempts !== total.calls)
          warnings.push(`${phase}: ${total.attempts - total.calls} DynamoDB retries`);
        if (total.failures > 0) warnings.push(`${phase}: ${total.failures} DynamoDB calls failed`);
        if (total.withoutCapacity > 0)
          warnings.push(`${phase}: ${total.withoutCapacity} DynamoDB answers carried no ConsumedCapacity`);
        dynamoResults[phase] = {
          operations: Object.fromEntries(
            Object.entries(tallies).map(([op, t]) => [
              op,
              {
                ...t,
                ms: round(t.ms),
                perNotice: {
                  calls: perNotice(t.calls),
                  readUnits: perNotice(t.readUnits),
                  writeUnits: perNotice(t.writeUnits),
                },
              },
            ]),
          ),
          total: { ...total, ms: round(total.ms) },
          perNotice: {
            calls: perNotice(total.calls),
            readUnits: perNotice(total.readUnits),
            writeUnits: perNotice(total.writeUnits),
          },
        };
      }
      const all = phases.map((p) => phaseTotals(meter.tallies[p]));
      const readUnits = perNotice(all.reduce((a, t) => a + t.readUnits, 0));
      const writeUnits = perNotice(all.reduce((a, t) => a + t.writeUnits, 0));

      const deployed = senderSettings(sendRatePerSecond);
      const shape: PipelineShape = {
        memoryGb: lambdaMemoryGb,
        senderBatchSize: deployed.batchSize,
        senderConcurrency: deployed.maxConcurrency,
        sendRatePerSecond,
        queueBatchSize: QUEUE_BATCH_SIZE,
      };
      const measured = {
        readUnits,
        writeUnits,
        senderWorkMs: noticeWorkMs.mean,
        dispatchMs: dispatchMs / bills,
      };
      const costLines: CostLine[] = costOfMillion(measured, shape);
      const pipelineUsd = costLines.reduce((a, l) => a + l.usd, 0);

      const cpuSpan = (from: ReturnType<typeof cpuAt>, to: ReturnType<typeof cpuAt>) => {
        const bench = process.cpuUsage(from.bench);
        return {
          dynamodbMs:
            to.dynamodb !== undefined && from.dynamodb !== undefined ? to.dynamodb - from.dynamodb : null,
          sesMs: to.ses !== undefined && from.ses !== undefined ? to.ses - from.ses : null,
          benchMs: round((bench.user + bench.system) / 1000, 0),
        };
      };
      const cpuRun = cpuSpan(cpuStart, cpuEnd);
      const cpuSending = cpuAtFirstSend ? cpuSpan(cpuAtFirstSend, cpuEnd) : undefined;
      const loadAfter = loadavg().map((l) => round(l));
      // CPU each notice costs while sending, all processes on this machine's cores together: the
      // rate these cores could carry if the run had them to itself.
      const cores = availableParallelism();
      const cpuPerNotice = cpuSending
        ? {
            dynamodb: cpuSending.dynamodbMs === null ? null : round(cpuSending.dynamodbMs / bills),
            ses: cpuSending.sesMs === null ? null : round(cpuSending.sesMs / bills),
            bench: round(cpuSending.benchMs / bills),
          }
        : undefined;
      const cpuPerNoticeTotal = cpuPerNotice
        ? (cpuPerNotice.dynamodb ?? 0) + (cpuPerNotice.ses ?? 0) + cpuPerNotice.bench
        : Number.NaN;
      const cpuCeiling = (cores * 1000) / cpuPerNoticeTotal;

      console.log(
        renderTable(
          [
            { header: "notices", align: "right" },
            { header: "configured /s", align: "right" },
            { header: "achieved /s", align: "right" },
            { header: "ratio", align: "right" },
            { header: "target", align: "right" },
            { header: "", align: "left" },
            { header: "max in any 1 s", align: "right" },
            { header: "target", align: "right" },
            { header: "", align: "left" },
          ],
          [
            [
              int(sends.length),
              String(sendRatePerSecond),
              achievedRate.toFixed(1),
              rateRatio.toFixed(3),
              `≥ ${minRateRatio}`,
              verdict(rateMet),
              String(maxPerSecondStart),
              `≤ ${sendRatePerSecond}`,
              verdict(neverAboveMet),
            ],
          ],
        ),
      );
      console.log();
      console.log(
        renderTable(
          [
            { header: "phase", align: "left" },
            { header: "seconds", align: "right" },
            { header: "", align: "left" },
          ],
          [
            [
              "seed accounts (importer)",
              (seed.timings.accountsMs / 1000).toFixed(1),
              `${int(seed.accounts)} rows`,
            ],
            [
              "seed profiles (BatchWrite)",
              (seed.timings.profilesMs / 1000).toFixed(1),
              `${int(seed.accounts)} items`,
            ],
            ["seed bills (importer)", (seed.timings.billsMs / 1000).toFixed(1), `${int(bills)} rows`],
            [
              "dispatch",
              (dispatchMs / 1000).toFixed(1),
              `${int(summary.dispatch.queued)} claimed and queued`,
            ],
            [
              "sending",
              (sendPhaseMs / 1000).toFixed(1),
              `first to last SES call ${(sendSpanMs / 1000).toFixed(1)} s`,
            ],
          ],
        ),
      );
      console.log();
      console.log(
        renderTable(
          [
            { header: "phase", align: "left" },
            { header: "DynamoDB operation", align: "left" },
            { header: "calls/notice", align: "right" },
            { header: "RRU/notice", align: "right" },
            { header: "WRU/notice", align: "right" },
            { header: "ms/call", align: "right" },
            { header: "units/notice by table/index", align: "left" },
          ],
          dynamoRows,
        ),
      );
      console.log();
      console.log(
        renderTable(
          [
            { header: `1,000,000 notices, ${prices.region}`, align: "left" },
            { header: "quantity", align: "right" },
            { header: "unit", align: "left" },
            { header: "price", align: "right" },
            { header: "USD", align: "right" },
            { header: "", align: "left" },
          ],
          [
            ...costLines.map((l) => [
              l.item,
              int(l.quantity),
              l.unit,
              `$${(l.unitPrice * 1_000_000).toPrecision(4)}/M`,
              usd(l.usd),
              l.note,
            ]),
            [
              "pipeline (above)",
              "",
              "",
              "",
              usd(pipelineUsd),
              `${((pipelineUsd / prices.sesPerMillion) * 100).toFixed(1)} % of SES`,
            ],
            [
              "SES e-mails",
              int(1_000_000),
              "e-mails",
              `$${prices.sesPerMillion}/M`,
              usd(prices.sesPerMillion),
              "SES's own price",
            ],
          ],
        ),
      );
      console.log(
        `\nRate: (sends − 1) / seconds from the first to the last SES call; "max in any 1 s" counts SES ` +
          `calls started within any window [t, t + 1 s) (${maxPerSecondEnd} by answer time; ${maxPerSecondSlots} notices begun, the pacer's slots). Per ${sliceMs / 1000} s ` +
          `slice (/s): ${slices.join(", ")}; ` +
          `mean sender work per slice (ms): ${workPerSlice.join(", ")}.\n` +
          `One notice's sender work (beginSending to settle, no pacing wait), ms: mean ${noticeWorkMs.mean}, p50 ${noticeWorkMs.p50}, ` +
          `p95 ${noticeWorkMs.p95}, p99 ${noticeWorkMs.p99}, max ${noticeWorkMs.max}; the SES call alone: mean ${sesLatency.mean}, p95 ${sesLatency.p95}. ` +
          `${senders} senders share one pacer of ${sendRatePerSecond}/s (runNotices).\n` +
          `CPU during the run (dispatch + sending, ${((runEnd - runStart) / 1000).toFixed(0)} s wall): DynamoDB Local ` +
          `${cpuRun.dynamodbMs === null ? "?" : (cpuRun.dynamodbMs / 1000).toFixed(1)} s, SES emulator ` +
          `${cpuRun.sesMs === null ? "?" : (cpuRun.sesMs / 1000).toFixed(1)} s, this process ${(cpuRun.benchMs / 1000).toFixed(1)} s; ` +
          `load average ${loadBefore.join(", ")} before, ${loadAfter.join(", ")} after.\n` +
          `CPU per notice while sending: DynamoDB Local ${cpuPerNotice?.dynamodb ?? "?"} ms, SES emulator ` +
          `${cpuPerNotice?.ses ?? "?"} ms, this process ${cpuPerNotice?.bench ?? "?"} ms: ${cpuPerNoticeTotal.toFixed(1)} ms ` +
          `in all, so ${cores} cores carry at most ${Math.round(cpuCeiling)} notices/s with nothing else running.\n` +
          `Checks: ${int(distinctBills)} distinct bills e-mailed, ${int(distinctMessages)} distinct SES message ids (random in the emulator), ` +
          `${int(sentStates)} SENT notice states, ${stillPending} bills left pending, ${spotChecked}/${checkedSends.length} ` +
          `spot-checked messages found in the SES emulator.\n` +
          `Cost: DynamoDB from the consumed capacity DynamoDB Local reported; SQS and Lambda modelled for the deployed ` +
          `sender (batch ${shape.senderBatchSize}, concurrency ${shape.senderConcurrency}, ${lambdaMemoryGb * 1024} MB arm64). ` +
          `Had the sender not waited for its pace, its duration would cost ${usd(senderWorkOnlyUsd(measured, shape))}.`,
      );
      if (warnings.length > 0) console.log(`\nWarnings:\n${warnings.map((w) => `  ${w}`).join("\n")}`);

      return {
        bills,
        billsPerAccount,
        accounts: seed.accounts,
        today,
        sendRatePerSecond,
        senders,
        seedMs: {
          accounts: round(seed.timings.accountsMs),
          profiles: round(seed.timings.profilesMs),
          bills: round(seed.timings.billsMs),
        },
        summary,
        rate: {
          achievedPerSecond: round(achievedRate, 2),
          ratio: round(rateRatio, 4),
          target: minRateRatio,
          met: rateMet,
          maxInAnySecond: {
            byStart: maxPerSecondStart,
            byAnswer: maxPerSecondEnd,
            noticesBegun: maxPerSecondSlots,
          },
          neverAboveMet,
          perSlice: { sliceMs, perSecond: slices, meanWorkMs: workPerSlice },
          sendSpanMs: round(sendSpanMs),
        },
        phasesMs: { dispatch: round(dispatchMs), sending: round(sendPhaseMs), run: round(runEnd - runStart) },
        noticeWorkMs,
        sesCallMs: sesLatency,
        dynamodb: dynamoResults,
        perNotice: { readUnits, writeUnits },
        cost: {
          prices,
          shape,
          lines: costLines,
          pipelineUsd: round(pipelineUsd, 4),
          sesUsd: prices.sesPerMillion,
          senderWorkOnlyUsd: round(senderWorkOnlyUsd(measured, shape), 4),
        },
        cpuMs: {
          run: cpuRun,
          sending: cpuSending ?? null,
          perNoticeSending: cpuPerNotice ?? null,
          ceilingPerSecond: round(cpuCeiling, 0),
          cores,
        },
        checks: {
          sends: sends.length,
          distinctBills,
          distinctMessages,
          sentStates,
          noticeItems: scanned,
          stillPending,
          spotChecked,
          spotCheckedOf: checkedSends.length,
          sesFailures: mailer.failures,
          sendAttempts: attempts,
        },
        loadAverage: { before: loadBefore, after: loadAfter },
        warnings,
      };
    } finally {
      if (ticker) clearInterval(ticker);
      for (const close of closers) close();
      if (stack) await stack.stop();
      // startLocalStack sets the handlers' environment on this process: put the runner's back.
      for (const key of Object.keys(process.env)) if (!(key in savedEnv)) delete process.env[key];
      Object.assign(process.env, savedEnv);
      await rm(work, { recursive: true, force: true });
    }
  },
};
