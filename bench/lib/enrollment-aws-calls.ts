/**
 * Counts and times the AWS calls of SDK v3 client instances:
 *
 * - a middleware in the `deserialize` step of the client's own stack (a DynamoDBDocumentClient
 *   shares the stack of the DynamoDBClient it wraps) runs once per HTTP attempt, inside the retry
 *   middleware: it records the operation and, when the attempt failed, the error's name, so that a
 *   retry shows as a second call;
 * - the instance's `send` is wrapped to time each whole call: building the middleware stack,
 *   marshalling, signing, retries, the HTTP exchange, unmarshalling. Its start and end also place
 *   the call on the request's critical path: a call that starts after another ended waited for it
 *   (its level is one more); calls in flight together share a level. The number of levels is the
 *   request's sequential round trips.
 *
 * Calls are attributed to the invocation opened by `begin()`: the bench runs one request at a time.
 */

type Next = (args: unknown) => Promise<unknown>;
interface ExecutionContext {
  readonly commandName?: string;
}
type Middleware = (next: Next, context: ExecutionContext) => Next;
interface Stack {
  add(
    middleware: Middleware,
    options: { step: "deserialize"; name: string; priority: "high"; override: boolean },
  ): void;
  remove(name: string): boolean;
}
interface Sender {
  send: (...args: unknown[]) => Promise<unknown>;
}

/** What `end()` returns: the calls of one invocation, by level, and the time spent inside them. */
export interface Invocation {
  /**
   * "DynamoDB UpdateItem", "Cognito AdminCreateUser", … one per send(), by level then name; a failed
   * attempt (retried or not) adds " !ErrorName" after its call's name.
   */
  readonly calls: readonly string[];
  /** The level of each call (1 = the first round trip); the greatest is the sequential depth. */
  readonly levels: readonly number[];
  /** Wall time with at least one call in flight (concurrent calls count once). */
  readonly sdkMs: number;
  /** Wall time of each send(), in the order of `calls`. */
  readonly sendMs: readonly number[];
}

export interface CallRecorder {
  /** Adds the middleware and wraps `send`; `service` names the client's calls ("DynamoDB"). */
  observe(client: { readonly middlewareStack: unknown; send: unknown }, service: string): void;
  begin(): void;
  end(): Invocation;
  /** Calls made while no invocation was open (should stay 0). */
  readonly stray: number;
  /** Removes the middleware and the wrapper again. */
  detach(): void;
}

const attemptName = "benchEnrollmentCallCounter";

/** The operation of a command object: the document client's commands by their low-level names. */
const documentOperations: Readonly<Record<string, string>> = {
  GetCommand: "GetItem",
  PutCommand: "PutItem",
  UpdateCommand: "UpdateItem",
  DeleteCommand: "DeleteItem",
  BatchGetCommand: "BatchGetItem",
  BatchWriteCommand: "BatchWriteItem",
  QueryCommand: "Query",
  ScanCommand: "Scan",
  TransactGetCommand: "TransactGetItems",
  TransactWriteCommand: "TransactWriteItems",
};
function operationOf(command: unknown): string {
  const name = (command as { constructor?: { name?: string } })?.constructor?.name ?? "Unknown";
  return documentOperations[name] ?? name.replace(/Command$/, "");
}

interface Span {
  readonly operation: string;
  readonly start: number;
  end: number;
  /** Error names of this call's failed attempts. */
  readonly failures: string[];
}

/**
 * Places each call (sorted by start): one level more than the deepest call that ended before it
 * started, which came before it in that order.
 */
export function levelsOf(spans: readonly { start: number; end: number }[]): number[] {
  const levels: number[] = [];
  spans.forEach((span, i) => {
    let level = 1;
    for (let j = 0; j < i; j++) {
      const other = spans[j] as { start: number; end: number };
      if (other.end <= span.start) level = Math.max(level, (levels[j] as number) + 1);
    }
    levels.push(level);
  });
  return levels;
}

/** Wall time covered by at least one of the intervals. */
function covered(spans: readonly { start: number; end: number }[]): number {
  const sorted = [...spans].sort((a, b) => a.start - b.start);
  let total = 0;
  let from = Number.NEGATIVE_INFINITY;
  let to = Number.NEGATIVE_INFINITY;
  for (const span of sorted) {
    if (span.start > to) {
      if (to > from) total += to - from;
      from = span.start;
      to = span.end;
    } else to = Math.max(to, span.end);
  }
  if (to > from) total += to - from;
  return total;
}

/** "A → B ∥ C → D": the calls of each level, concurrent ones joined by ∥. */
export function describeSequence(calls: readonly string[], levels: readonly number[]): string {
  const byLevel = new Map<number, string[]>();
  calls.forEach((call, i) => {
    const level = levels[i] ?? 1;
    byLevel.set(level, [...(byLevel.get(level) ?? []), call]);
  });
  return [...byLevel.entries()]
    .sort((a, b) => a[0] - b[0])
    .map(([, group]) => group.join(" ∥ "))
    .join(" → ");
}

/** The sequential depth of a sequence written by describeSequence. */
export const depthOf = (sequence: string): number => (sequence ? sequence.split(" → ").length : 0);

export function callRecorder(): CallRecorder {
  let current: { spans: Span[]; active: Span[] } | undefined;
  let stray = 0;
  const stacks: Stack[] = [];
  const senders: Sender[] = [];
  return {
    observe(client, service) {
      const stack = client.middlewareStack as Stack;
      stack.add(
        (next, context) => async (args) => {
          try {
            return await next(args);
          } catch (error) {
            const name = (error as { name?: string })?.name ?? "Error";
            // The call in flight of this operation: the one this attempt belongs to.
            const operation = `${service} ${(context.commandName ?? "Unknown").replace(/Command$/, "")}`;
            const span = current?.active.findLast((s) => s.operation === operation);
            if (span) span.failures.push(name);
            else if (!current) stray++;
            throw error;
          }
        },
        { step: "deserialize", name: attemptName, priority: "high", override: true },
      );
      stacks.push(stack);
      const sender = client as unknown as Sender;
      const send = sender.send.bind(sender);
      // An own property over the prototype's method; `detach` deletes it again.
      sender.send = async (...args: unknown[]) => {
        const invocation = current;
        if (!invocation) stray++;
        const span: Span = {
          operation: `${service} ${operationOf(args[0])}`,
          start: performance.now(),
          end: 0,
          failures: [],
        };
        invocation?.spans.push(span);
        invocation?.active.push(span);
        try {
          return await send(...args);
        } finally {
          span.end = performance.now();
          if (invocation) invocation.active.splice(invocation.active.indexOf(span), 1);
        }
      };
      senders.push(sender);
    },
    begin() {
      current = { spans: [], active: [] };
    },
    end() {
      const spans = [...(current?.spans ?? [])].sort((a, b) => a.start - b.start);
      current = undefined;
      const levels = levelsOf(spans);
      const order = spans
        .map((span, i) => ({ span, level: levels[i] as number }))
        .map((entry) => ({
          ...entry,
          name: `${entry.span.operation}${entry.span.failures.map((f) => ` !${f}`).join("")}`,
        }))
        .sort((a, b) => a.level - b.level || a.name.localeCompare(b.name));
      return {
        calls: order.map((entry) => entry.name),
        levels: order.map((entry) => entry.level),
        sdkMs: covered(spans),
        sendMs: order.map((entry) => entry.span.end - entry.span.start),
      };
    },
    get stray() {
      return stray;
    },
    detach() {
      for (const stack of stacks) stack.remove(attemptName);
      for (const sender of senders) delete (sender as Partial<Sender>).send;
      stacks.length = 0;
      senders.length = 0;
    },
  };
}

/** "DynamoDB UpdateItem, DynamoDB UpdateItem, DynamoDB PutItem" → "DynamoDB UpdateItem×2, PutItem×1" per service. */
export function countByService(calls: readonly string[]): Record<string, Record<string, number>> {
  const out: Record<string, Record<string, number>> = {};
  for (const call of calls) {
    const space = call.indexOf(" ");
    const service = call.slice(0, space);
    const operation = call.slice(space + 1);
    const ops = out[service] ?? {};
    ops[operation] = (ops[operation] ?? 0) + 1;
    out[service] = ops;
  }
  return out;
}

/** One service's operations as "UpdateItem×2, BatchGetItem×1", in first-call order. */
export function describeOperations(operations: Readonly<Record<string, number>> | undefined): string {
  if (!operations) return "–";
  return Object.entries(operations)
    .map(([operation, count]) => `${operation}×${count}`)
    .join(", ");
}
