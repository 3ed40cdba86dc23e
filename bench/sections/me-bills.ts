import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import {
  CognitoIdentityProviderClient,
  InitiateAuthCommand,
} from "@aws-sdk/client-cognito-identity-provider";
import { QueryCommand, type QueryCommandInput } from "@aws-sdk/lib-dynamodb";
import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context } from "aws-lambda";
import { BILLS_PAGE_SIZE } from "../../lambdas/definitions/limits";
import { billsTable } from "../../lambdas/definitions/tables";
import { enrolledDemo } from "../../local/demo/enrolled-demo";
import { freeLocalPorts } from "../../local/emulators/process";
import { importBillingFile } from "../../local/import/import-file";
import { localTargetAt } from "../../local/import/target";
import { readLocalPepper } from "../../local/pepper-file";
import { LOCAL_CREDENTIALS, LOCAL_REGION } from "../../local/settings";
import { createLocalAuthorizer } from "../../local/signed-in";
import { startLocalStack } from "../../local/stack";
import { apiGatewayEvent } from "../lib/api-event";
import { ratio, round } from "../lib/stats";
import { renderTable } from "../lib/table";
import type { BenchContext, Section } from "../section";

/**
 * GET /v1/me/bills on the local stack: the request as API Gateway hands it over once the authorizer
 * has run (for every request; its allow for the token remembered by the function instance),
 * then the route's handler; against its floor, the same DynamoDB Query sent directly through the same
 * client. Both in the same run, interleaved. The uncached authorizer decision is timed apart.
 */

/** Monthly bills added to the enrolled demo customer's own (about two years of bills in all). */
const addedBills = 22;
const warmUpRounds = 100;
const rounds = 1000;
/** Fresh tokens (one sign-in each): each one's first decision is an uncached one. */
const uncachedDecisions = 40;
/** The target: the handler's median at most this many times its floor's. */
const maxRatio = 1.3;

type ProxyHandler = (event: APIGatewayProxyEvent, context: Context) => Promise<APIGatewayProxyResult>;

interface Distribution {
  readonly n: number;
  readonly median: number;
  readonly p10: number;
  readonly p90: number;
  readonly mean: number;
}

function quantile(sorted: readonly number[], q: number): number {
  const position = (sorted.length - 1) * q;
  const low = sorted[Math.floor(position)] as number;
  const high = sorted[Math.ceil(position)] as number;
  return low + (high - low) * (position - Math.floor(position));
}

function distribution(samples: readonly number[]): Distribution {
  const sorted = [...samples].sort((a, b) => a - b);
  return {
    n: sorted.length,
    median: round(quantile(sorted, 0.5), 3),
    p10: round(quantile(sorted, 0.1), 3),
    p90: round(quantile(sorted, 0.9), 3),
    mean: round(sorted.reduce((sum, v) => sum + v, 0) / sorted.length, 3),
  };
}

const lambdaContext = {
  callbackWaitsForEmptyEventLoop: false,
  functionName: "bench-me-bills",
  functionVersion: "$LATEST",
  invokedFunctionArn: "arn:aws:lambda:ca-central-1:000000000000:function:bench-me-bills",
  memoryLimitInMB: "512",
  awsRequestId: "bench",
  logGroupName: "/aws/lambda/bench-me-bills",
  logStreamName: "bench",
  getRemainingTimeInMillis: () => 10_000,
  done: () => undefined,
  fail: () => undefined,
  succeed: () => undefined,
} as Context;

/** Handlers log on stdout (Powertools); the tables go there too, so log lines are counted, not shown. */
function muteStdout(): { restore(): number } {
  const write = process.stdout.write.bind(process.stdout);
  let lines = 0;
  process.stdout.write = ((chunk: string | Uint8Array) => {
    lines += String(chunk).split("\n").length - 1;
    return true;
  }) as typeof process.stdout.write;
  return {
    restore() {
      process.stdout.write = write;
      return lines;
    },
  };
}

export const section: Section = {
  name: "me-bills",
  title:
    "GET /v1/me/bills: the handler behind a cached authorizer decision, against the same Query made directly",
  async run(context: BenchContext) {
    const work = await mkdtemp(join(tmpdir(), "bench-me-bills-"));
    const savedEnv = { ...process.env };
    let stack: Awaited<ReturnType<typeof startLocalStack>> | undefined;
    let cognito: CognitoIdentityProviderClient | undefined;
    let muted: { restore(): number } | undefined;
    try {
      const ports = await freeLocalPorts();
      stack = await startLocalStack({
        ports,
        dir: join(work, "stack"),
        persist: false,
        serveApi: false,
        demo: true,
        onProgress: (step) => context.progress(`me-bills: ${step}`),
      });
      // Loopback by address: no name lookup in either path.
      const environment: Record<string, string> = {};
      for (const [key, value] of Object.entries(stack.environment)) {
        environment[key] = key.startsWith("AWS_ENDPOINT_URL_")
          ? value.replace("//localhost:", "//127.0.0.1:")
          : value;
      }
      Object.assign(process.env, environment);

      const customerNumber = enrolledDemo.customerNumber;
      context.progress(`me-bills: ${addedBills} more bills for ${customerNumber}`);
      const rows = Array.from({ length: addedBills }, (_, i) => {
        const year = 2024 + Math.floor(i / 12);
        const month = String((i % 12) + 1).padStart(2, "0");
        return `B-${year}-${month}-${customerNumber},${customerNumber},${year}-${month}-21,${year}-${month}-28,61.80,0.00,sample.pdf`;
      });
      const file = join(work, "bills.csv");
      await writeFile(
        file,
        `billId,customerNumber,billingDate,dueDate,amountDue,balance,documentKey\n${rows.join("\n")}\n`,
      );
      const target = localTargetAt(stack.endpoints.dynamodb, readLocalPepper(join(work, "stack")));
      try {
        const summary = await importBillingFile({ kind: "bills", file, target });
        if (summary.rejected > 0) throw new Error("me-bills: bills rejected");
      } finally {
        target.close();
      }

      cognito = new CognitoIdentityProviderClient({
        region: LOCAL_REGION,
        credentials: LOCAL_CREDENTIALS,
        endpoint: stack.endpoints.cognito.endpoint,
      });
      const client = cognito;
      const signIn = async () => {
        const out = await client.send(
          new InitiateAuthCommand({
            AuthFlow: "USER_PASSWORD_AUTH",
            ClientId: stack?.endpoints.cognito.clientId,
            AuthParameters: { USERNAME: enrolledDemo.email, PASSWORD: enrolledDemo.password },
          }),
        );
        const token = out.AuthenticationResult?.IdToken;
        if (!token) throw new Error("me-bills: no token");
        return token;
      };

      // The handlers read their environment at import: only now are they loaded.
      const handler = (await import("../../lambdas/handlers/me-bills")).handler as unknown as ProxyHandler;
      const { documentClient } = await import("../../lambdas/adapters/dynamodb");
      const { runtimeConfig } = await import("../../lambdas/adapters/runtime-config");
      const ddb = documentClient();
      const authorizer = createLocalAuthorizer();
      const floorInput: QueryCommandInput = {
        TableName: runtimeConfig().tables.bills,
        IndexName: billsTable.localIndexes[0].name,
        KeyConditionExpression: "customerNumber = :c",
        ExpressionAttributeValues: { ":c": customerNumber },
        ScanIndexForward: false,
        // One page, as the handler answers (24 a page since the paging of issue 12).
        Limit: BILLS_PAGE_SIZE,
      };
      const token = await signIn();
      const request = (authorization: string) => {
        const event = apiGatewayEvent({
          method: "GET",
          path: "/v1/me/bills",
          resource: "/v1/me/bills",
          pathParameters: null,
          auth: false,
        });
        event.headers = { ...event.headers, Authorization: `Bearer ${authorization}` };
        return event;
      };

      /** One request: the authorizer (its allow remembered after the first), then the handler. */
      const viaHandler = async (authorization: string): Promise<number> => {
        const started = performance.now();
        const event = request(authorization);
        const decision = await authorizer.authorize(event);
        if (!decision.allowed) throw new Error(`me-bills: refused (${decision.result.statusCode})`);
        event.requestContext.authorizer = decision.authorizer;
        const result = await handler(event, lambdaContext);
        const ms = performance.now() - started;
        if (result.statusCode !== 200) throw new Error(`me-bills: ${result.statusCode} ${result.body}`);
        return ms;
      };
      const billsPerCustomer = (await ddb.send(new QueryCommand(floorInput))).Items?.length ?? 0;
      const viaFloor = async (): Promise<number> => {
        const started = performance.now();
        const out = await ddb.send(new QueryCommand(floorInput));
        const ms = performance.now() - started;
        if ((out.Items ?? []).length !== billsPerCustomer)
          throw new Error("me-bills: floor read a wrong count");
        return ms;
      };

      // Same amount of answer: the handler lists one full page, as the Query reads one.
      const checkEvent = request(token);
      checkEvent.requestContext.authorizer = { outcome: "allow", customerNumber };
      const check = await handler(checkEvent, lambdaContext);
      const listed = (JSON.parse(check.body) as { bills: { billId: string }[] }).bills;
      if (listed.length !== billsPerCustomer || billsPerCustomer !== BILLS_PAGE_SIZE)
        throw new Error(`me-bills: ${listed.length} bills listed, the floor read ${billsPerCustomer}`);

      context.progress(`me-bills: ${warmUpRounds} warm-up rounds, then ${rounds} measured`);
      muted = muteStdout();
      for (let i = 0; i < warmUpRounds; i++) {
        await viaHandler(token);
        await viaFloor();
      }
      const handlerMs: number[] = [];
      const floorMs: number[] = [];
      for (let i = 0; i < rounds; i++) {
        // Alternating order, so that neither side always follows the other.
        if (i % 2 === 0) {
          handlerMs.push(await viaHandler(token));
          floorMs.push(await viaFloor());
        } else {
          floorMs.push(await viaFloor());
          handlerMs.push(await viaHandler(token));
        }
      }
      const cachedInvocations = authorizer.invocations();
      const logLinesCached = muted.restore();
      muted = undefined;

      context.progress(`me-bills: ${uncachedDecisions} sign-ins, each token's first request uncached`);
      const tokens: string[] = [];
      for (let i = 0; i < uncachedDecisions; i++) tokens.push(await signIn());
      muted = muteStdout();
      const uncachedMs: number[] = [];
      for (const fresh of tokens) uncachedMs.push(await viaHandler(fresh));
      const logLinesUncached = muted.restore();
      muted = undefined;

      const handlerStats = distribution(handlerMs);
      const floorStats = distribution(floorMs);
      const uncachedStats = distribution(uncachedMs);
      const medianRatio = ratio(handlerStats.median, floorStats.median);
      // The same round's two requests share the machine's state: their difference is the handler's cost.
      const overhead = distribution(handlerMs.map((ms, i) => ms - (floorMs[i] as number)));
      const fmt = (v: number) => v.toFixed(2);
      console.log(
        renderTable(
          [
            { header: "path" },
            { header: "requests", align: "right" },
            { header: "median ms", align: "right" },
            { header: "p10 ms", align: "right" },
            { header: "p90 ms", align: "right" },
            { header: "mean ms", align: "right" },
            { header: "× floor (median)", align: "right" },
          ],
          [
            [
              "handler, authorizer decision cached",
              String(handlerStats.n),
              fmt(handlerStats.median),
              fmt(handlerStats.p10),
              fmt(handlerStats.p90),
              fmt(handlerStats.mean),
              `${medianRatio.toFixed(2)}×`,
            ],
            [
              "floor: the same Query, same client",
              String(floorStats.n),
              fmt(floorStats.median),
              fmt(floorStats.p10),
              fmt(floorStats.p90),
              fmt(floorStats.mean),
              "1.00×",
            ],
            [
              "handler, first request of a token (uncached)",
              String(uncachedStats.n),
              fmt(uncachedStats.median),
              fmt(uncachedStats.p10),
              fmt(uncachedStats.p90),
              fmt(uncachedStats.mean),
              `${ratio(uncachedStats.median, floorStats.median).toFixed(2)}×`,
            ],
          ],
        ),
      );
      const within = medianRatio <= maxRatio;
      console.log(
        `\n${billsPerCustomer} bills per response. Target: handler median ≤ ${maxRatio}× floor: ` +
          `${within ? "met" : "NOT met"} (${medianRatio.toFixed(2)}×). Authorizer invocations during the ` +
          `${warmUpRounds + rounds} cached requests (each one runs it): ${cachedInvocations}. Handler minus floor in the same ` +
          `round: median ${overhead.median.toFixed(2)} ms (p10 ${overhead.p10.toFixed(2)}, p90 ` +
          `${overhead.p90.toFixed(2)}). Log lines: ${logLinesCached} cached, ` +
          `${logLinesUncached} uncached. Load average ${loadavg()[0]?.toFixed(2)}.`,
      );
      return {
        billsPerCustomer,
        warmUpRounds,
        rounds,
        handler: { ...handlerStats, samples: handlerMs.map((v) => round(v, 3)) },
        floor: { ...floorStats, samples: floorMs.map((v) => round(v, 3)) },
        uncached: { ...uncachedStats, samples: uncachedMs.map((v) => round(v, 3)) },
        medianRatio,
        pairedOverheadMs: overhead,
        maxRatio,
        within,
        authorizerInvocationsCached: cachedInvocations,
        logLines: { cached: logLinesCached, uncached: logLinesUncached },
      };
    } finally {
      muted?.restore();
      cognito?.destroy();
      await stack?.stop();
      process.env = savedEnv;
      await rm(work, { recursive: true, force: true });
    }
  },
};
