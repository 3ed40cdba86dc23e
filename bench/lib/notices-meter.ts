import type { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import type { MetadataBearer } from "@smithy/types";
import type { NoticeMailer } from "../../lambdas/domain/notices/ports";

/**
 * Meters for the notices section: every DynamoDB call the pipeline makes (by phase and operation,
 * with the capacity DynamoDB says it consumed), and every e-mail handed to SES (with its times).
 */

/** Operations that read: their consumed capacity is read request units (on demand). */
const readOperations = new Set(["GetItem", "BatchGetItem", "Query", "Scan", "TransactGetItems"]);
/** Operations that take `ReturnConsumedCapacity`. */
const capacityOperations = new Set([
  ...readOperations,
  "PutItem",
  "UpdateItem",
  "DeleteItem",
  "BatchWriteItem",
  "TransactWriteItems",
]);

interface CapacityUnits {
  readonly CapacityUnits?: number;
  readonly ReadCapacityUnits?: number;
  readonly WriteCapacityUnits?: number;
}

interface ConsumedCapacity extends CapacityUnits {
  readonly TableName?: string;
  readonly Table?: CapacityUnits;
  readonly GlobalSecondaryIndexes?: Record<string, CapacityUnits>;
  readonly LocalSecondaryIndexes?: Record<string, CapacityUnits>;
}

/** What one phase spent on one operation. */
export interface OperationTally {
  /** Calls the code made (one `send`). */
  calls: number;
  /** HTTP attempts, retries included (`$metadata.attempts`): AWS bills each attempt that reaches it. */
  attempts: number;
  /** Calls that failed (ConditionalCheckFailed included). */
  failures: number;
  /** Calls whose response carried no ConsumedCapacity. */
  withoutCapacity: number;
  readUnits: number;
  writeUnits: number;
  /** Units by table and by index ("Bills", "Bills/pendingNotices"), read or write as the operation. */
  readonly byTarget: Record<string, number>;
  /** Wall time inside the SDK (sum, ms). */
  ms: number;
}

export type Phase = "dispatch" | "send";

export interface DynamoMeter {
  /** Calls made outside a phase (setup, checks) are not counted. */
  phase: Phase | undefined;
  readonly tallies: Record<Phase, Record<string, OperationTally>>;
}

/** Short table names in the report: "enrollment-local-Bills" → "Bills". */
function shortTable(name: string | undefined): string {
  if (!name) return "?";
  const dash = name.lastIndexOf("-");
  return dash >= 0 ? name.slice(dash + 1) : name;
}

function units(value: CapacityUnits | undefined): number {
  return value?.CapacityUnits ?? (value?.ReadCapacityUnits ?? 0) + (value?.WriteCapacityUnits ?? 0);
}

function tally(into: OperationTally, capacity: ConsumedCapacity, read: boolean): void {
  const total = units(capacity);
  if (read) into.readUnits += total;
  else into.writeUnits += total;
  const table = shortTable(capacity.TableName);
  const add = (key: string, value: number) => {
    into.byTarget[key] = (into.byTarget[key] ?? 0) + value;
  };
  // With "INDEXES", DynamoDB splits the total between the table and each index it touched.
  if (capacity.Table || capacity.GlobalSecondaryIndexes || capacity.LocalSecondaryIndexes) {
    add(table, units(capacity.Table));
    for (const [index, value] of Object.entries({
      ...capacity.GlobalSecondaryIndexes,
      ...capacity.LocalSecondaryIndexes,
    }))
      add(`${table}/${index}`, units(value));
  } else add(table, total);
}

/**
 * Counts every call of the client by phase and operation. A middleware at the front of the stack
 * asks each call for its consumed capacity ("INDEXES": the table's share and each index's), reads
 * it from the response, and times the call. The document client shares the client's stack, so the
 * adapters' calls through it are counted too.
 */
export function meterDynamo(client: DynamoDBClient): DynamoMeter {
  const meter: DynamoMeter = { phase: undefined, tallies: { dispatch: {}, send: {} } };
  client.middlewareStack.add(
    (next, context) => async (args) => {
      const operation = String(context.commandName ?? "?").replace(/Command$/, "");
      const phase = meter.phase;
      const input = args.input as Record<string, unknown>;
      const asked = capacityOperations.has(operation);
      const started = performance.now();
      const entry = (): OperationTally | undefined => {
        if (!phase) return undefined;
        const tallies = meter.tallies[phase];
        tallies[operation] ??= {
          calls: 0,
          attempts: 0,
          failures: 0,
          withoutCapacity: 0,
          readUnits: 0,
          writeUnits: 0,
          byTarget: {},
          ms: 0,
        };
        return tallies[operation];
      };
      try {
        const result = await next(
          asked ? { ...args, input: { ...input, ReturnConsumedCapacity: "INDEXES" } } : args,
        );
        const into = entry();
        if (into) {
          into.calls++;
          into.ms += performance.now() - started;
          const output = result.output as MetadataBearer & { ConsumedCapacity?: unknown };
          into.attempts += output.$metadata?.attempts ?? 1;
          const consumed = output.ConsumedCapacity;
          const list = (
            Array.isArray(consumed) ? consumed : consumed ? [consumed] : []
          ) as ConsumedCapacity[];
          if (list.length === 0) into.withoutCapacity++;
          for (const capacity of list) tally(into, capacity, readOperations.has(operation));
        }
        return result;
      } catch (error) {
        const into = entry();
        if (into) {
          into.calls++;
          into.failures++;
          into.ms += performance.now() - started;
          into.attempts += (error as { $metadata?: { attempts?: number } }).$metadata?.attempts ?? 1;
        }
        throw error;
      }
    },
    { step: "initialize", name: "benchNoticesMeter", priority: "high" },
  );
  return meter;
}

/** One e-mail SES accepted. */
export interface SendRecord {
  readonly billKey: string;
  readonly to: string;
  readonly messageId: string;
  /** performance.now() when the SES call started and when SES answered. */
  readonly startMs: number;
  readonly endMs: number;
}

/** Records every accepted send (and counts refused ones) around the real mailer. */
export function recordingMailer(inner: NoticeMailer): NoticeMailer & {
  readonly sends: SendRecord[];
  readonly failures: number;
} {
  const sends: SendRecord[] = [];
  let failures = 0;
  return {
    sends,
    get failures() {
      return failures;
    },
    async sendBillAvailable(mail) {
      const startMs = performance.now();
      try {
        const messageId = await inner.sendBillAvailable(mail);
        sends.push({ billKey: mail.billKey, to: mail.to, messageId, startMs, endMs: performance.now() });
        return messageId;
      } catch (error) {
        failures++;
        throw error;
      }
    },
  };
}

/** The largest number of instants within any window of `windowMs` (half-open: [t, t + windowMs)). */
export function maxInWindow(times: readonly number[], windowMs = 1000): number {
  const sorted = [...times].sort((a, b) => a - b);
  let best = 0;
  let first = 0;
  for (let last = 0; last < sorted.length; last++) {
    while ((sorted[last] as number) - (sorted[first] as number) >= windowMs) first++;
    best = Math.max(best, last - first + 1);
  }
  return best;
}

/** Instants per consecutive slice of `sliceMs` from the first one: how the rate moved over the run. */
export function perSlice(times: readonly number[], sliceMs: number): number[] {
  if (times.length === 0) return [];
  const start = times.reduce((a, b) => Math.min(a, b), Number.POSITIVE_INFINITY);
  const counts: number[] = [];
  for (const t of times) {
    const slice = Math.floor((t - start) / sliceMs);
    while (counts.length <= slice) counts.push(0);
    counts[slice] = (counts[slice] as number) + 1;
  }
  return counts;
}
