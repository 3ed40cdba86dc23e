import { createHash } from "node:crypto";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";

/**
 * Latency stubs of DynamoDB, SQS and SES for the notices-scale section: the real adapters and SDK
 * clients talk to it over HTTP, so their marshalling, signing and parsing are measured, while each
 * answer waits as long as the service would (DynamoDB 5–10 ms, SQS 10–20 ms, SES 20–40 ms) without
 * DynamoDB Local's own CPU on the same cores. Just enough of each protocol for the notice pipeline:
 * the pending index of a generated day (`bills` per shard), profiles all ACTIVE and electronic,
 * the notices table's claims with the dispatcher's conditions (so a retry finds its own claims),
 * and SES counting e-mails by bill.
 */

type AttributeValue = { S: string } | { N: string } | { BOOL: boolean };
type Item = Record<string, AttributeValue>;

export interface ScaleStubOptions {
  readonly billsPerShard: number;
  /** Shards with another number of bills. */
  readonly shardBills?: Readonly<Record<number, number>>;
  readonly today: string;
  readonly latencyMs: {
    readonly dynamodb: [number, number];
    readonly sqs: [number, number];
    readonly ses: [number, number];
  };
}

export interface ScaleStub {
  readonly url: string;
  /** E-mails SES accepted, by bill key ("1234567#B-1"). */
  readonly mailed: Map<string, number>;
  /** Notice messages the SQS stub accepted, in order (bodies). */
  readonly notices: string[];
  /** Calls per service operation ("dynamodb:Query"). */
  readonly calls: Map<string, number>;
  readonly claims: Map<string, { state: string; runId: string }>;
  close(): Promise<void>;
}

const s = (value: string): AttributeValue => ({ S: value });
const n = (value: number): AttributeValue => ({ N: String(value) });
const str = (v: unknown): string => ((v as { S?: string } | undefined)?.S ?? "") as string;

/** The bill at `index` of `shard`: customer numbers 7 digits, one bill each. */
export function stubBill(shard: number, index: number, today: string): Item {
  const customerNumber = String(1_000_000 + shard * 100_000 + index);
  return {
    customerNumber: s(customerNumber),
    billId: s(`B-${customerNumber}`),
    billingDate: s(today),
    dueDate: s(today),
    availableOn: s(today),
    amountDueCents: n(7315),
    balanceCents: n(7315),
    noticeShard: s(String(shard)),
    importedAt: s(`${today}T10:00:00.000Z`),
  };
}

function profile(customerNumber: string): Item {
  return {
    customerNumber: s(customerNumber),
    status: s("ACTIVE"),
    billing: s("electronic"),
    email: s(`c${customerNumber}@example.test`),
    language: s("fr"),
    activatedAt: s("2020-01-01T12:00:00.000Z"),
    electronicSince: s("2020-01-01T12:00:00.000Z"),
  };
}

export async function startScaleStub(options: ScaleStubOptions): Promise<ScaleStub> {
  const mailed = new Map<string, number>();
  const notices: string[] = [];
  const calls = new Map<string, number>();
  const claims = new Map<string, { state: string; runId: string }>();
  const wait = ([min, max]: [number, number]) =>
    new Promise((r) => setTimeout(r, min + Math.random() * (max - min)));

  function dynamodb(target: string, body: Record<string, unknown>): { status: number; json: unknown } {
    const values = (body.ExpressionAttributeValues ?? {}) as Record<string, AttributeValue>;
    if (target === "Query") {
      const shard = Number(str(values[":s"]));
      const limit = Number(body.Limit ?? 500);
      const start = body.ExclusiveStartKey
        ? Number(str((body.ExclusiveStartKey as Item).billId).slice(2)) - (1_000_000 + shard * 100_000) + 1
        : 0;
      const count = options.shardBills?.[shard] ?? options.billsPerShard;
      const end = Math.min(count, start + limit);
      const items = Array.from({ length: Math.max(0, end - start) }, (_, i) =>
        stubBill(shard, start + i, options.today),
      );
      const last = items.at(-1);
      return {
        status: 200,
        json: {
          Items: items,
          Count: items.length,
          ...(end < count && last
            ? {
                LastEvaluatedKey: {
                  noticeShard: last.noticeShard,
                  availableOn: last.availableOn,
                  customerNumber: last.customerNumber,
                  billId: last.billId,
                },
              }
            : {}),
        },
      };
    }
    if (target === "BatchGetItem") {
      const request = body.RequestItems as Record<string, { Keys: Item[] }>;
      return {
        status: 200,
        json: {
          Responses: Object.fromEntries(
            Object.entries(request).map(([table, r]) => [
              table,
              r.Keys.map((k) => profile(str(k.customerNumber))),
            ]),
          ),
          UnprocessedKeys: {},
        },
      };
    }
    if (target === "GetItem") {
      const key = body.Key as Item;
      const customerNumber = str(key.customerNumber);
      if (key.billId) {
        const index = Number(customerNumber) - 1_000_000;
        return {
          status: 200,
          json: { Item: stubBill(Math.floor(index / 100_000), index % 100_000, options.today) },
        };
      }
      return { status: 200, json: { Item: profile(customerNumber) } };
    }
    if (target === "UpdateItem") {
      const key = body.Key as Item;
      const billKey = str(key.billKey);
      if (!billKey) return { status: 200, json: {} }; // settle / restore of a bill
      const expression = String(body.UpdateExpression ?? "");
      const held = claims.get(billKey);
      const refused = (item: { state: string; runId: string }) => ({
        status: 400,
        json: {
          __type: "com.amazonaws.dynamodb.v20120810#ConditionalCheckFailedException",
          message: "The conditional request failed",
          Item: { billKey: s(billKey), state: s(item.state), runId: s(item.runId) },
        },
      });
      if (expression.includes("#state = :queued, customerNumber")) {
        // The claim: leases never run out within a bench run.
        const runId = str(values[":run"]);
        if (held && !(held.state === "QUEUED" && held.runId === runId) && held.state !== "SKIPPED")
          return refused(held);
        claims.set(billKey, { state: "QUEUED", runId });
        return {
          status: 200,
          json: held ? { Attributes: { state: s(held.state), runId: s(held.runId) } } : {},
        };
      }
      if (expression.includes("#state = :sending")) {
        if (held?.state !== "QUEUED") return refused(held ?? { state: "NONE", runId: "" });
        claims.set(billKey, { ...held, state: "SENDING" });
        return { status: 200, json: {} };
      }
      if (expression.includes("#state = :sent")) {
        if (held) claims.set(billKey, { ...held, state: "SENT" });
        return { status: 200, json: {} };
      }
      return { status: 200, json: {} };
    }
    return {
      status: 400,
      json: { __type: "com.amazon.coral.validate#ValidationException", message: target },
    };
  }

  const server: Server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on("data", (c: Buffer) => chunks.push(c));
    request.on("end", async () => {
      const text = Buffer.concat(chunks).toString("utf8");
      const target = String(request.headers["x-amz-target"] ?? "");
      let answer: { status: number; json: unknown };
      if (target.startsWith("DynamoDB_20120810.")) {
        const op = target.slice("DynamoDB_20120810.".length);
        calls.set(`dynamodb:${op}`, (calls.get(`dynamodb:${op}`) ?? 0) + 1);
        await wait(options.latencyMs.dynamodb);
        answer = dynamodb(op, JSON.parse(text) as Record<string, unknown>);
      } else if (target.startsWith("AmazonSQS.")) {
        const op = target.slice("AmazonSQS.".length);
        calls.set(`sqs:${op}`, (calls.get(`sqs:${op}`) ?? 0) + 1);
        await wait(options.latencyMs.sqs);
        const body = JSON.parse(text) as { Entries?: { Id: string; MessageBody: string }[] };
        for (const e of body.Entries ?? []) notices.push(e.MessageBody);
        answer = {
          status: 200,
          json: {
            Successful: (body.Entries ?? []).map((e) => ({
              Id: e.Id,
              MessageId: e.Id,
              MD5OfMessageBody: createHash("md5").update(e.MessageBody).digest("hex"),
            })),
            Failed: [],
          },
        };
      } else if (request.url?.includes("/v2/email/outbound-emails")) {
        calls.set("ses:SendEmail", (calls.get("ses:SendEmail") ?? 0) + 1);
        await wait(options.latencyMs.ses);
        const body = JSON.parse(text) as { EmailTags?: { Name: string; Value: string }[] };
        const bill = (body.EmailTags ?? []).find((t) => t.Name === "bill")?.Value.replace("_", "#") ?? "?";
        mailed.set(bill, (mailed.get(bill) ?? 0) + 1);
        answer = { status: 200, json: { MessageId: `stub-${mailed.size}` } };
      } else answer = { status: 404, json: { message: `no stub for ${request.url} ${target}` } };
      const payload = JSON.stringify(answer.json);
      response.writeHead(answer.status, {
        "content-type": "application/x-amz-json-1.0",
        "content-length": Buffer.byteLength(payload),
      });
      response.end(payload);
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => resolve());
  });
  server.keepAliveTimeout = 60_000;
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    mailed,
    notices,
    calls,
    claims,
    close() {
      server.closeAllConnections();
      return new Promise((resolve, reject) => server.close((e) => (e ? reject(e) : resolve())));
    },
  };
}
