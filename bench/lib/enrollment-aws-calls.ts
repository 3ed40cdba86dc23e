/**
 * Counts and times the AWS calls of SDK v3 client instances:
 *
 * - a middleware in the `deserialize` step of the client's own stack (a DynamoDBDocumentClient
 *   shares the stack of the DynamoDBClient it wraps) runs once per HTTP attempt, inside the retry
 *   middleware: it records the operation and, when the attempt failed, the error's name, so that a
 *   retry shows as a second call;
 * - the instance's `send` is wrapped to time each whole call: building the middleware stack,
 *   marshalling, signing, retries, the HTTP exchange, unmarshalling.
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

/** What `end()` returns: the calls of one invocation, in order, and the time spent inside them. */
export interface Invocation {
  /** "DynamoDB UpdateItem", "Cognito AdminCreateUser", … with " !ErrorName" when the attempt failed. */
  readonly calls: readonly string[];
  readonly sdkMs: number;
  /** Wall time of each send(), in order (one per call unless the SDK retried). */
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

export function callRecorder(): CallRecorder {
  let current: { calls: string[]; sdkMs: number; sendMs: number[] } | undefined;
  let stray = 0;
  const stacks: Stack[] = [];
  const senders: Sender[] = [];
  return {
    observe(client, service) {
      const stack = client.middlewareStack as Stack;
      stack.add(
        (next, context) => async (args) => {
          const operation = `${service} ${(context.commandName ?? "Unknown").replace(/Command$/, "")}`;
          try {
            const out = await next(args);
            if (current) current.calls.push(operation);
            else stray++;
            return out;
          } catch (error) {
            const name = (error as { name?: string })?.name ?? "Error";
            if (current) current.calls.push(`${operation} !${name}`);
            else stray++;
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
        const started = performance.now();
        try {
          return await send(...args);
        } finally {
          if (current) {
            const ms = performance.now() - started;
            current.sdkMs += ms;
            current.sendMs.push(ms);
          }
        }
      };
      senders.push(sender);
    },
    begin() {
      current = { calls: [], sdkMs: 0, sendMs: [] };
    },
    end() {
      const done = current ?? { calls: [], sdkMs: 0, sendMs: [] };
      current = undefined;
      return done;
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
