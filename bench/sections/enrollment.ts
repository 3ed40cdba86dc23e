import { readFileSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context } from "aws-lambda";
import { env, localEnv } from "../../lambdas/definitions/environment";
import { confirmationToken, tokenHash } from "../../lambdas/domain/enrollment/tokens";
import { currentKey, decodeKeyRing } from "../../lambdas/domain/key-ring";
import { freeLocalPorts } from "../../local/emulators/process";
import { startLocalStack } from "../../local/stack";
import {
  type CallRecorder,
  callRecorder,
  countByService,
  depthOf,
  describeOperations,
  describeSequence,
} from "../lib/enrollment-aws-calls";
import { divertStdout, jsonPost, type PreparedRequest, type StdoutDiversion } from "../lib/enrollment-events";
import {
  type FloorDeps,
  type FloorEnrollment,
  type FloorRun,
  prepareConfirmation,
  prepareEnrollment,
  prepareFailed,
  prepareVerified,
} from "../lib/enrollment-floor";
import { type FloorProcess, type FloorRequest, startFloorProcess } from "../lib/enrollment-floor-process";
import { SEEDED_ACCESS_CODE, seedAccounts, WRONG_ACCESS_CODE } from "../lib/enrollment-seed";
import { type Distribution, distribution, type MannWhitney, mannWhitney } from "../lib/enrollment-stats";
import { ratio, round } from "../lib/stats";
import { startStubServer } from "../lib/stub-server";
import { renderTable } from "../lib/table";
import type { BenchContext, Section } from "../section";

/** Measured rounds: each times every verification flow once per side (handler, floor, in-process floor). */
const rounds = 300;
/** Every `enrollEvery`-th measured round also enrolls and confirms (100 of each per side). */
const enrollEvery = 3;
/** Discarded rounds first (with an enrollment each): JIT, connections, the emulators' JVM and caches. */
const warmUpRounds = 20;
/** Timing equality: alternating wrong-code and unknown-customer verifications, 250 of each. */
const equalityRequests = 500;
/** The issue's target: the handler's median at most this many times its floor's. */
const maxRatio = 1.3;
/** One request that takes longer than this hangs: it is abandoned and reported. */
const callTimeoutMs = 10_000;
/** The measured rounds stop early past this (and say so), so the section stays within minutes. */
const roundsBudgetMs = 150_000;
const equalityBudgetMs = 40_000;
/** Seeded customer numbers start here; unknown ones (never seeded) at `firstUnknown`. */
const firstKnown = 9_100_000;
const firstUnknown = 9_700_000;
const password = "un mot de passe sûr";

type FlowName = "verify-ok" | "verify-wrong-code" | "verify-unknown" | "enrollment" | "confirmation";

const flows: readonly { name: FlowName; label: string; status: number }[] = [
  { name: "verify-ok", label: "verification success (bill)", status: 200 },
  { name: "verify-wrong-code", label: "verification failure (wrong code)", status: 403 },
  { name: "verify-unknown", label: "verification failure (unknown customer)", status: 403 },
  { name: "enrollment", label: "enrollment (201)", status: 201 },
  { name: "confirmation", label: "confirmation (200)", status: 200 },
];

/**
 * The three sides of every flow: the handler; the floor, in a process that loads only the SDK
 * clients (the target's reference); the in-process floor, the same calls from this process, which
 * has loaded the handlers' libraries too (it splits the handler's cost in two, see the notes).
 */
type Who = "handler" | "floor" | "inproc";
const sidesInOrder: readonly Who[] = ["handler", "floor", "inproc"];

type ProxyHandler = (event: APIGatewayProxyEvent, context: Context) => Promise<APIGatewayProxyResult>;

interface Sample {
  /** The round it was measured in: the sides' samples of one round were taken seconds apart. */
  readonly round: number;
  readonly ms: number;
  /** Time inside the SDK clients' send() (all calls of the request). */
  readonly sdkMs: number;
  /** Each send() of the request, in order. */
  readonly sendMs: readonly number[];
}

/** What one side of one flow did. */
interface Side {
  readonly samples: Sample[];
  /** Each distinct sequence of calls, with how many requests made it. */
  readonly sequences: Map<string, number>;
  logLines: number;
  requests: number;
}

/** Where a timed request's figures go: a side of a flow in a measured round, or nowhere (warm-up). */
type Into = { push(sample: Omit<Sample, "round">): void } | undefined;

/** One request of one side, ready to time. */
type Step =
  | {
      readonly who: "handler";
      readonly handler: ProxyHandler;
      readonly request: PreparedRequest;
      /** The token the flow hands on (verification token, confirmation token). */
      readonly token?: (body: string) => string;
    }
  | { readonly who: "floor"; readonly request: FloorRequest }
  | { readonly who: "inproc"; readonly floor: FloorRun & { readonly token?: string } };

function withTimeout<T>(promise: Promise<T>, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, fail) => {
    timer = setTimeout(
      () => fail(new Error(`${what} took more than ${callTimeoutMs / 1000} s`)),
      callTimeoutMs,
    );
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

const fmt = (value: number) => value.toFixed(2);
const times = (value: number) => `${value.toFixed(2)}×`;
const signed = (value: number, digits = 2) => `${value >= 0 ? "+" : "−"}${Math.abs(value).toFixed(digits)}`;

/** The median time of each send() by its position in the request (requests with retries left out). */
function perCallMedians(samples: readonly Sample[]): number[] {
  const length = Math.min(...samples.map((s) => s.sendMs.length));
  const usable = samples.filter((s) => s.sendMs.length === length);
  return Array.from({ length }, (_, i) => distribution(usable.map((s) => s.sendMs[i] as number)).median);
}

/** The sequence most requests of a side made (normally the only one). */
function mainSequence(side: Side): string | undefined {
  return [...side.sequences.entries()].sort((a, b) => b[1] - a[1])[0]?.[0];
}

/** Modules of the X-Ray SDK and its cls-hooked in this process's require cache. */
function tracingModulesLoaded(): number {
  return Object.keys(createRequire(import.meta.url).cache).filter((file) =>
    /aws-xray-sdk-core|cls-hooked/.test(file),
  ).length;
}

export const section: Section = {
  name: "enrollment",
  title: "Enrollment API: AWS calls per request, and handler latency on the local stack against its floor",
  async run(context: BenchContext) {
    const work = await mkdtemp(join(tmpdir(), "bench-enrollment-"));
    const savedEnv = { ...process.env };
    const warnings: string[] = [];
    const warn = (message: string) => {
      if (warnings.length < 40) warnings.push(message);
      else if (warnings.length === 40) warnings.push("… more warnings left out");
    };
    let stack: Awaited<ReturnType<typeof startLocalStack>> | undefined;
    const stub = await startStubServer();
    let floorProcess: FloorProcess | undefined;
    let recorder: CallRecorder | undefined;
    let log: StdoutDiversion | undefined;
    const destroyers: (() => void)[] = [];
    try {
      const ports = await freeLocalPorts();
      stack = await startLocalStack({
        ports,
        dir: join(work, "stack"),
        persist: false,
        serveApi: false,
        onProgress: (step) => context.progress(`enrollment: ${step}`),
      });
      // The handlers' environment, on loopback by address (no name lookup), and a catch-all endpoint
      // for any other AWS service a handler might call: the stub counts what reaches it.
      const environment: Record<string, string> = { AWS_ENDPOINT_URL: stub.url };
      for (const [key, value] of Object.entries(stack.environment)) {
        environment[key] = key.startsWith("AWS_ENDPOINT_URL_")
          ? value.replace("//localhost:", "//127.0.0.1:")
          : value;
      }
      // Out of the failure budget's reach: this section times the answers outside step-up.
      environment[env.verifyGlobalFailuresPerHour] = "1000000000";
      Object.assign(process.env, environment);
      const pepper = decodeKeyRing(readFileSync(environment[localEnv.pepperFile] as string, "utf8"));
      const confirmationKey = currentKey(
        decodeKeyRing(readFileSync(environment[localEnv.confirmationKeyFile] as string, "utf8")),
      );
      const sesEndpoint = environment.AWS_ENDPOINT_URL_SESV2 as string;

      // Fresh customers for every verification: a reused one would meet the attempt limiter.
      const seeded = (warmUpRounds + rounds) * 2 * sidesInOrder.length + equalityRequests / 2;
      context.progress(`enrollment: seeding ${seeded} accounts through importBillingFile`);
      await seedAccounts({
        dynamodbEndpoint: environment.AWS_ENDPOINT_URL_DYNAMODB as string,
        pepper,
        file: join(work, "accounts.csv"),
        first: firstKnown,
        count: seeded,
      });
      let knownUsed = 0;
      let unknownUsed = 0;
      const nextKnown = () => {
        if (knownUsed >= seeded) throw new Error("bench: out of seeded customers");
        return String(firstKnown + knownUsed++);
      };
      const nextUnknown = () => String(firstUnknown + unknownUsed++);

      context.progress("enrollment: starting the floor process");
      floorProcess = await startFloorProcess(context.root, environment);
      const child = floorProcess;
      if (child.tracingModules > 0) warn(`the floor process loaded ${child.tracingModules} X-Ray modules`);

      // The handlers read their environment at import: only now, with it set, are they loaded.
      context.progress("enrollment: loading the handlers");
      const handlers = {
        verifications: (await import("../../lambdas/handlers/verifications"))
          .handler as unknown as ProxyHandler,
        enrollments: (await import("../../lambdas/handlers/enrollments")).handler as unknown as ProxyHandler,
        confirmation: (await import("../../lambdas/handlers/confirmation"))
          .handler as unknown as ProxyHandler,
      };
      const handlerTracingModules = tracingModulesLoaded();
      const { documentClient } = await import("../../lambdas/adapters/dynamodb");
      const { cognitoClient } = await import("../../lambdas/adapters/cognito-identity");
      const { sesClient } = await import("../../lambdas/adapters/ses-mailer");
      const { runtimeConfig } = await import("../../lambdas/adapters/runtime-config");
      // The handlers' own client instances (module singletons): the in-process floor sends through
      // them too, so both use the same configuration and the same warm connections.
      const ddb = documentClient();
      const cognito = cognitoClient();
      const ses = sesClient();
      destroyers.push(
        () => ddb.destroy(),
        () => cognito.destroy(),
        () => ses.destroy(),
      );
      recorder = callRecorder();
      recorder.observe(ddb, "DynamoDB");
      recorder.observe(cognito, "Cognito");
      recorder.observe(ses, "SESv2");
      const config = runtimeConfig();
      const webOrigin = environment[env.webOrigin] ?? "https://example.com";
      const floorDeps: FloorDeps = {
        ddb,
        cognito,
        ses,
        tables: {
          accounts: config.tables.accounts,
          profiles: config.tables.profiles,
          security: config.tables.security,
          accountEvents: config.tables.accountEvents,
        },
        limits: config.verification,
        userPoolId: config.userPoolId(),
        mail: { ...config.ses, supportPhone: config.supportPhone },
        webBaseUrl: config.webBaseUrl,
        confirmationKey,
      };

      const sides = new Map<string, Side>();
      const sideOf = (flow: FlowName, who: Who) => {
        const key = `${flow}/${who}`;
        let side = sides.get(key);
        if (!side) {
          side = { samples: [], sequences: new Map(), logLines: 0, requests: 0 };
          sides.set(key, side);
        }
        return side;
      };
      const equality = { wrong: [] as Sample[], unknown: [] as Sample[] };
      const statusSeen = new Map<string, Map<number, number>>();
      const active = recorder;
      log = divertStdout(join(work, "handler-logs.jsonl"));
      const logs = log;

      const record = (side: Side, calls: readonly string[], levels: readonly number[]) => {
        const sequence = describeSequence(calls, levels);
        side.sequences.set(sequence, (side.sequences.get(sequence) ?? 0) + 1);
        side.requests++;
      };

      /** Times one request of one side; undefined when it failed. */
      const measure = async (
        flow: FlowName,
        step: Step,
        into: Into,
      ): Promise<{ token?: string } | undefined> => {
        const side = sideOf(flow, step.who);
        if (step.who === "floor") {
          const reply = await child.run(step.request);
          if (!reply.ok) {
            warn(`${flow} floor: ${reply.error}`);
            return undefined;
          }
          record(side, reply.calls, reply.levels);
          into?.push({ ms: reply.ms, sdkMs: reply.sdkMs, sendMs: reply.sendMs });
          return reply.token ? { token: reply.token } : {};
        }
        logs.takeLines();
        active.begin();
        const started = performance.now();
        let result: APIGatewayProxyResult | undefined;
        try {
          if (step.who === "handler") {
            result = await withTimeout(
              step.handler(step.request.event, step.request.context),
              `${flow} handler`,
            );
          } else {
            await withTimeout(step.floor.run(), `${flow} in-process floor`);
          }
        } catch (error) {
          active.end();
          warn(`${flow} ${step.who}: ${error instanceof Error ? error.message : String(error)}`);
          return undefined;
        }
        const ms = performance.now() - started;
        const { calls, levels, sdkMs, sendMs } = active.end();
        if (step.who === "inproc") {
          record(side, calls, levels);
          into?.push({ ms, sdkMs, sendMs });
          return step.floor.token ? { token: step.floor.token } : {};
        }
        const answer = result as APIGatewayProxyResult;
        const expected = flows.find((f) => f.name === flow)?.status;
        const statuses = statusSeen.get(flow) ?? new Map<number, number>();
        statuses.set(answer.statusCode, (statuses.get(answer.statusCode) ?? 0) + 1);
        statusSeen.set(flow, statuses);
        if (answer.statusCode !== expected) {
          warn(`${flow} handler answered ${answer.statusCode} (expected ${expected}): ${answer.body}`);
          return undefined;
        }
        record(side, calls, levels);
        side.logLines += logs.takeLines();
        into?.push({ ms, sdkMs, sendMs });
        return step.token ? { token: step.token(answer.body) } : {};
      };

      /** The three sides of one flow, one after the other, starting with a different one each time. */
      const trio = async (rotation: number, run: (who: Who) => Promise<void>) => {
        for (let k = 0; k < sidesInOrder.length; k++) {
          await run(sidesInOrder[(rotation + k) % sidesInOrder.length] as Who);
        }
      };

      const verifyRequest = (customerNumber: string, accessCode: string) =>
        jsonPost("/v1/enrollment/verifications", { method: "bill", customerNumber, accessCode }, webOrigin);
      /** A verification that fails, by each side: the handler, the floor process, the in-process floor. */
      const failedStep = (who: Who, customerNumber: string): Step => {
        if (who === "handler")
          return {
            who,
            handler: handlers.verifications,
            request: verifyRequest(customerNumber, WRONG_ACCESS_CODE),
          };
        if (who === "floor") return { who, request: { flow: "verify-failed", customerNumber } };
        return { who, floor: prepareFailed(floorDeps, customerNumber) };
      };

      let enrollments = 0;
      /** The links the handler e-mailed, as derived here: checked against the SES mailbox at the end. */
      const handlerLinks: { email: string; token: string }[] = [];
      let measuredRounds = 0;
      const roundsStarted = performance.now();
      for (let r = 0; r < warmUpRounds + rounds; r++) {
        const measured = r >= warmUpRounds;
        const index = r - warmUpRounds;
        if (r === 0) context.progress(`enrollment: ${warmUpRounds} warm-up rounds (discarded)`);
        if (index === 0)
          context.progress(`enrollment: ${rounds} measured rounds, the three sides interleaved`);
        else if (measured && index % 50 === 0) context.progress(`enrollment: round ${index}/${rounds}`);
        if (measured && performance.now() - roundsStarted > roundsBudgetMs) {
          warn(`rounds stopped after ${index} of ${rounds}: past the ${roundsBudgetMs / 1000} s budget`);
          break;
        }
        const into = (flow: FlowName, who: Who): Into =>
          measured
            ? { push: (sample) => sideOf(flow, who).samples.push({ ...sample, round: r }) }
            : undefined;

        const verified = new Map<Who, { customerNumber: string; token: string }>();
        await trio(r, async (who) => {
          const customerNumber = nextKnown();
          const step: Step =
            who === "handler"
              ? {
                  who,
                  handler: handlers.verifications,
                  request: verifyRequest(customerNumber, SEEDED_ACCESS_CODE),
                  token: (body) => (JSON.parse(body) as { verificationToken: string }).verificationToken,
                }
              : who === "floor"
                ? { who, request: { flow: "verify-ok", customerNumber } }
                : { who, floor: prepareVerified(floorDeps, customerNumber) };
          const out = await measure("verify-ok", step, into("verify-ok", who));
          if (out?.token) verified.set(who, { customerNumber, token: out.token });
        });
        await trio(r + 1, async (who) => {
          await measure("verify-wrong-code", failedStep(who, nextKnown()), into("verify-wrong-code", who));
        });
        await trio(r + 2, async (who) => {
          await measure("verify-unknown", failedStep(who, nextUnknown()), into("verify-unknown", who));
        });

        if ((measured && index % enrollEvery !== 0) || verified.size < sidesInOrder.length) {
          if (measured) measuredRounds++;
          continue;
        }
        enrollments++;
        const enrolled = new Map<Who, { customerNumber: string; email: string; token: string }>();
        await trio(r + 1, async (who) => {
          const v = verified.get(who) as { customerNumber: string; token: string };
          // The same length on every side: h.<n>@example.com, f.<n>@…, i.<n>@….
          const email = `${who.slice(0, 1)}.${v.customerNumber}@example.com`;
          const request: FloorEnrollment = {
            customerNumber: v.customerNumber,
            verificationToken: v.token,
            email,
            password,
            language: "fr",
          };
          let step: Step;
          if (who === "handler") {
            const body = { verificationToken: v.token, email, password, language: "fr" };
            // The link the handler e-mails, derived as it derives it (checked against the mailbox).
            const token = confirmationToken(confirmationKey, tokenHash(v.token));
            step = {
              who,
              handler: handlers.enrollments,
              request: jsonPost("/v1/enrollments", body, webOrigin),
              token: () => token,
            };
          } else if (who === "floor") {
            step = { who, request: { flow: "enrollment", request } };
          } else {
            const floor = prepareEnrollment(floorDeps, request);
            step = { who, floor: { run: () => floor.run(), token: floor.confirmationToken } };
          }
          const out = await measure("enrollment", step, into("enrollment", who));
          if (out?.token) {
            enrolled.set(who, { customerNumber: v.customerNumber, email, token: out.token });
            if (who === "handler") handlerLinks.push({ email, token: out.token });
          }
        });
        if (enrolled.size === sidesInOrder.length) {
          await trio(r + 2, async (who) => {
            const e = enrolled.get(who) as { customerNumber: string; email: string; token: string };
            const confirmation = {
              customerNumber: e.customerNumber,
              confirmationToken: e.token,
              email: e.email,
            };
            const step: Step =
              who === "handler"
                ? {
                    who,
                    handler: handlers.confirmation,
                    request: jsonPost("/v1/enrollments/confirmation", { token: e.token }, webOrigin),
                  }
                : who === "floor"
                  ? { who, request: { flow: "confirmation", ...confirmation } }
                  : { who, floor: prepareConfirmation(floorDeps, confirmation) };
            await measure("confirmation", step, into("confirmation", who));
          });
        }
        if (measured) measuredRounds++;
      }
      const roundsMs = performance.now() - roundsStarted;

      context.progress(`enrollment: timing equality, ${equalityRequests} alternating failures`);
      const equalityStarted = performance.now();
      for (let i = 0; i < equalityRequests / 2; i++) {
        if (performance.now() - equalityStarted > equalityBudgetMs) {
          warn(`timing equality stopped after ${i} pairs: past the ${equalityBudgetMs / 1000} s budget`);
          break;
        }
        const wrong = () =>
          measure("verify-wrong-code", failedStep("handler", nextKnown()), {
            push: (sample) => equality.wrong.push({ ...sample, round: i }),
          });
        const unknown = () =>
          measure("verify-unknown", failedStep("handler", nextUnknown()), {
            push: (sample) => equality.unknown.push({ ...sample, round: i }),
          });
        // Alternating, and each pair in the other order than the last.
        if (i % 2 === 0) {
          await wrong();
          await unknown();
        } else {
          await unknown();
          await wrong();
        }
      }
      const equalityMs = performance.now() - equalityStarted;

      log.restore();
      for (const line of log.errorLines) warn(`handler logged an error: ${line}`);
      recorder.detach();
      if (recorder.stray > 0) warn(`${recorder.stray} SDK calls were made outside any timed request`);
      const otherAwsRequests = stub.takeRequestCount();
      if (otherAwsRequests > 0) warn(`${otherAwsRequests} requests reached the catch-all AWS endpoint`);

      // The mailbox: one e-mail per enrollment and side; the handler's with the links derived above.
      const store = (await (await fetch(`${sesEndpoint}/store`)).json()) as {
        emails: { destination: { to: string[] }; body: { text: string } }[];
      };
      const mailed = store.emails.length;
      const expectedMails = enrollments * sidesInOrder.length;
      if (mailed !== expectedMails)
        warn(`the SES mailbox holds ${mailed} e-mails, expected ${expectedMails}`);
      const linkOf = new Map(
        store.emails.map((m) => [
          m.destination.to[0],
          /confirmation\?token=([A-Za-z0-9_-]+)/.exec(m.body.text)?.[1],
        ]),
      );
      const wrongLinks = handlerLinks.filter((l) => linkOf.get(l.email) !== l.token).length;
      if (wrongLinks > 0) warn(`${wrongLinks} e-mailed links differ from the derived confirmation tokens`);

      // ---- AWS calls per request ----
      const callsRows = flows.map((flow) => {
        const handler = sideOf(flow.name, "handler");
        const sequence = mainSequence(handler);
        if (handler.sequences.size > 1) {
          warn(
            `${flow.name}: the handler's requests made ${handler.sequences.size} different call sequences`,
          );
        }
        const floorsSame = (["floor", "inproc"] as const).every((who) => {
          const floor = sideOf(flow.name, who);
          const same =
            sequence !== undefined && mainSequence(floor) === sequence && floor.sequences.size === 1;
          if (!same)
            warn(`${flow.name}: the ${who} floor's calls (${mainSequence(floor)}) differ from the handler's`);
          return same;
        });
        // Calls by level, concurrent ones of a level in name order (as the recorder orders them).
        const calls = sequence ? sequence.split(" → ").flatMap((level) => level.split(" ∥ ")) : [];
        const byService = countByService(calls);
        return {
          flow: flow.name,
          label: flow.label,
          status: flow.status,
          requests: handler.requests,
          callsPerRequest: calls.length,
          /** Sequential round trips: the levels of the critical path (calls in flight together count once). */
          roundTrips: sequence ? depthOf(sequence) : 0,
          path: sequence ?? "",
          byService,
          sequence: calls,
          sequences: Object.fromEntries(handler.sequences),
          floorSequences: Object.fromEntries(sideOf(flow.name, "floor").sequences),
          inProcessFloorSequences: Object.fromEntries(sideOf(flow.name, "inproc").sequences),
          floorsMakeTheSameCalls: floorsSame,
          logLinesPerRequest: handler.requests > 0 ? round(handler.logLines / handler.requests) : 0,
        };
      });

      // ---- Latency against the floor ----
      const latency = flows.flatMap((flow) => {
        const handler = sideOf(flow.name, "handler").samples;
        const floor = sideOf(flow.name, "floor").samples;
        const inproc = sideOf(flow.name, "inproc").samples;
        if (handler.length === 0 || floor.length === 0 || inproc.length === 0) {
          warn(`${flow.name}: no measured samples for every side`);
          return [];
        }
        const own = distribution(handler.map((s) => s.ms));
        const base = distribution(floor.map((s) => s.ms));
        const local = distribution(inproc.map((s) => s.ms));
        const r = ratio(own.median, base.median);
        // Pairs: the handler and the floor of the same round, measured moments apart.
        const floorByRound = new Map(floor.map((s) => [s.round, s.ms]));
        const pairRatios = handler
          .filter((s) => floorByRound.has(s.round))
          .map((s) => s.ms / (floorByRound.get(s.round) as number));
        return [
          {
            flow: flow.name,
            label: flow.label,
            handler: own,
            floor: base,
            inProcessFloor: local,
            ratio: r,
            ratioP90: ratio(own.p90, base.p90),
            pairedRatio: distribution(pairRatios),
            ratioToInProcessFloor: ratio(own.median, local.median),
            overFloorMs: round(own.median - base.median, 3),
            /** What the handler's own per-request code costs: handler − in-process floor. */
            requestCodeMs: round(own.median - local.median, 3),
            /** What loading the handler's libraries costs every AWS call: in-process floor − floor. */
            processWideMs: round(local.median - base.median, 3),
            handlerInSdk: distribution(handler.map((s) => s.sdkMs)),
            handlerOutsideSdk: distribution(handler.map((s) => s.ms - s.sdkMs)),
            floorInSdk: distribution(floor.map((s) => s.sdkMs)),
            inProcessFloorInSdk: distribution(inproc.map((s) => s.sdkMs)),
            /** Median of each call's send(), by position in the flow's sequence, per side. */
            perCallMedianMs: {
              handler: perCallMedians(handler),
              floor: perCallMedians(floor),
              inProcessFloor: perCallMedians(inproc),
            },
            target: maxRatio,
            met: r <= maxRatio,
            samples: {
              handler: handler.map((s) => round(s.ms, 3)),
              floor: floor.map((s) => round(s.ms, 3)),
              inProcessFloor: inproc.map((s) => round(s.ms, 3)),
            },
          },
        ];
      });

      // ---- Timing equality of the two failures ----
      let timingEquality:
        | {
            wrong: Distribution;
            unknown: Distribution;
            wrongOutsideSdk: Distribution;
            unknownOutsideSdk: Distribution;
            differenceMs: number;
            differencePercent: number;
            outsideSdkDifferenceMs: number;
            mannWhitney: MannWhitney;
            mannWhitneyOutsideSdk: MannWhitney;
            perCallMedianMs: { wrong: number[]; unknown: number[] };
            samples: { wrong: number[]; unknown: number[] };
          }
        | undefined;
      if (equality.wrong.length > 0 && equality.unknown.length > 0) {
        const wrongMs = equality.wrong.map((s) => s.ms);
        const unknownMs = equality.unknown.map((s) => s.ms);
        const wrongOutside = equality.wrong.map((s) => s.ms - s.sdkMs);
        const unknownOutside = equality.unknown.map((s) => s.ms - s.sdkMs);
        const wrong = distribution(wrongMs);
        const unknown = distribution(unknownMs);
        const wrongOutsideSdk = distribution(wrongOutside);
        const unknownOutsideSdk = distribution(unknownOutside);
        timingEquality = {
          wrong,
          unknown,
          wrongOutsideSdk,
          unknownOutsideSdk,
          differenceMs: round(wrong.median - unknown.median, 3),
          differencePercent: round(((wrong.median - unknown.median) / unknown.median) * 100, 1),
          outsideSdkDifferenceMs: round(wrongOutsideSdk.median - unknownOutsideSdk.median, 3),
          mannWhitney: mannWhitney(wrongMs, unknownMs),
          mannWhitneyOutsideSdk: mannWhitney(wrongOutside, unknownOutside),
          perCallMedianMs: {
            wrong: perCallMedians(equality.wrong),
            unknown: perCallMedians(equality.unknown),
          },
          samples: { wrong: wrongMs.map((v) => round(v, 3)), unknown: unknownMs.map((v) => round(v, 3)) },
        };
      } else {
        warn("timing equality: no samples");
      }

      // ---- Print ----
      console.log(
        "AWS calls per request (“floors” says whether both floors made exactly the same calls, level by level)\n",
      );
      console.log(
        renderTable(
          [
            { header: "flow" },
            { header: "answer", align: "right" },
            { header: "DynamoDB" },
            { header: "Cognito" },
            { header: "SES v2" },
            { header: "calls", align: "right" },
            { header: "round trips", align: "right" },
            { header: "floors" },
            { header: "log lines", align: "right" },
          ],
          callsRows.map((row) => {
            const others = Object.keys(row.byService).filter(
              (s) => !["DynamoDB", "Cognito", "SESv2"].includes(s),
            );
            return [
              row.label,
              String(row.status),
              describeOperations(row.byService.DynamoDB),
              describeOperations(row.byService.Cognito),
              [
                describeOperations(row.byService.SESv2),
                ...others.map((s) => `${s} ${describeOperations(row.byService[s])}`),
              ].join("; "),
              String(row.callsPerRequest),
              String(row.roundTrips),
              row.floorsMakeTheSameCalls ? "same" : "DIFFERENT",
              fmt(row.logLinesPerRequest),
            ];
          }),
        ),
      );
      for (const row of callsRows) console.log(`  ${row.flow}: ${row.path}`);
      console.log(
        "  calls = AWS calls per request; round trips = the sequential ones (its critical path: " +
          "calls joined by ∥ were in flight together and count once)",
      );
      console.log(`  other AWS requests (catch-all endpoint): ${otherAwsRequests}`);

      console.log("\nLatency per request: handler (in-process invoke) against its floor, ms\n");
      console.log(
        renderTable(
          [
            { header: "flow" },
            { header: "n", align: "right" },
            { header: "handler median", align: "right" },
            { header: "p90", align: "right" },
            { header: "floor median", align: "right" },
            { header: "p90", align: "right" },
            { header: "× median", align: "right" },
            { header: "× paired", align: "right" },
            { header: "over floor", align: "right" },
            { header: `≤ ${maxRatio}×` },
          ],
          latency.map((row) => [
            row.label,
            String(row.handler.n),
            fmt(row.handler.median),
            fmt(row.handler.p90),
            fmt(row.floor.median),
            fmt(row.floor.p90),
            times(row.ratio),
            times(row.pairedRatio.median),
            signed(row.overFloorMs),
            row.met ? "met" : "NOT met",
          ]),
        ),
      );
      console.log("\nWhere the time over the floor goes (medians, ms)\n");
      console.log(
        renderTable(
          [
            { header: "flow" },
            { header: "in-process floor", align: "right" },
            { header: "× in-process", align: "right" },
            { header: "request code", align: "right" },
            { header: "process-wide", align: "right" },
            { header: "handler in SDK", align: "right" },
            { header: "outside SDK", align: "right" },
            { header: "floor in SDK", align: "right" },
          ],
          latency.map((row) => [
            row.label,
            fmt(row.inProcessFloor.median),
            times(row.ratioToInProcessFloor),
            signed(row.requestCodeMs),
            signed(row.processWideMs),
            fmt(row.handlerInSdk.median),
            fmt(row.handlerOutsideSdk.median),
            fmt(row.floorInSdk.median),
          ]),
        ),
      );
      console.log(
        `\n${measuredRounds} measured rounds after ${warmUpRounds} discarded ones. Each round runs every ` +
          "verification flow once per side, the three sides one after the other in a rotating order, and " +
          `every ${enrollEvery}rd round an enrollment and its confirmation too; fresh customers every time. ` +
          "floor = the same AWS calls sent directly, in a process that loads only the SDK clients (built by " +
          "the handlers' own factories), inputs built before the clock starts. × median = handler median / " +
          "floor median (the target); × paired = median over rounds of handler / floor of the same round. " +
          "in-process floor = the same floor run from this process, through the handlers' client " +
          "instances, after the handlers' modules are loaded: request code = handler − in-process floor " +
          "(middy, Powertools, zod, hashing, the handler's code); process-wide = in-process floor − floor " +
          `(what the loaded libraries add to every AWS call; X-Ray modules loaded here: ${handlerTracingModules}, ` +
          `in the floor process: ${child.tracingModules}). in/outside SDK: time inside the clients' send() and the rest.`,
      );
      console.log("\nEach AWS call, median ms of its send(): handler / floor / in-process floor\n");
      console.log(
        renderTable(
          [
            { header: "flow" },
            { header: "#", align: "right" },
            { header: "call" },
            { header: "handler", align: "right" },
            { header: "floor", align: "right" },
            { header: "in-process floor", align: "right" },
          ],
          latency.flatMap((row) =>
            (callsRows.find((c) => c.flow === row.flow)?.sequence ?? []).map((call, i) => [
              i === 0 ? row.flow : "",
              String(i + 1),
              call,
              fmt(row.perCallMedianMs.handler[i] ?? Number.NaN),
              fmt(row.perCallMedianMs.floor[i] ?? Number.NaN),
              fmt(row.perCallMedianMs.inProcessFloor[i] ?? Number.NaN),
            ]),
          ),
        ),
      );

      if (timingEquality) {
        const t = timingEquality;
        console.log("\nTiming equality of the two failures (handler, ms)\n");
        console.log(
          renderTable(
            [
              { header: "case" },
              { header: "n", align: "right" },
              { header: "median", align: "right" },
              { header: "p10–p90", align: "right" },
              { header: "min–max", align: "right" },
              { header: "outside SDK median", align: "right" },
            ],
            [
              ["wrong code, known customer", t.wrong, t.wrongOutsideSdk] as const,
              ["unknown customer", t.unknown, t.unknownOutsideSdk] as const,
            ].map(([label, d, outside]) => [
              label,
              String(d.n),
              fmt(d.median),
              `${fmt(d.p10)}–${fmt(d.p90)}`,
              `${fmt(d.min)}–${fmt(d.max)}`,
              fmt(outside.median),
            ]),
          ),
        );
        console.log(
          `\nwrong − unknown: ${signed(t.differenceMs, 3)} ms (${signed(t.differencePercent, 1)} %) of the medians; ` +
            `outside the SDK ${signed(t.outsideSdkDifferenceMs, 3)} ms. Mann-Whitney U (information): ` +
            `P(wrong slower) = ${t.mannWhitney.probabilityFirstSlower}, z = ${t.mannWhitney.z}, ` +
            `p = ${t.mannWhitney.p}; outside the SDK: P = ${t.mannWhitneyOutsideSdk.probabilityFirstSlower}, ` +
            `z = ${t.mannWhitneyOutsideSdk.z}, p = ${t.mannWhitneyOutsideSdk.p}. ${equalityRequests} requests, ` +
            "alternating, fresh customer numbers.",
        );
        const sequence = callsRows.find((row) => row.flow === "verify-unknown")?.sequence ?? [];
        console.log(
          `Per call, median ms wrong / unknown: ${sequence
            .map(
              (call, i) =>
                `${call} ${fmt(t.perCallMedianMs.wrong[i] ?? Number.NaN)} / ${fmt(t.perCallMedianMs.unknown[i] ?? Number.NaN)}`,
            )
            .join(", ")}.`,
        );
      }
      if (warnings.length > 0) console.log(`\nWarnings:\n${warnings.map((w) => `  ${w}`).join("\n")}`);

      return {
        rounds: measuredRounds,
        warmUpRounds,
        enrollEvery,
        seededAccounts: seeded,
        roundsSeconds: round(roundsMs / 1000, 1),
        equalitySeconds: round(equalityMs / 1000, 1),
        statuses: Object.fromEntries([...statusSeen].map(([flow, m]) => [flow, Object.fromEntries(m)])),
        calls: callsRows,
        otherAwsRequests,
        mailed,
        xrayModules: { handlerProcess: handlerTracingModules, floorProcess: child.tracingModules },
        latency,
        timingEquality,
        targetRatio: maxRatio,
        warnings,
      };
    } finally {
      log?.restore();
      recorder?.detach();
      for (const destroy of destroyers) destroy();
      await floorProcess?.close();
      if (stack) await stack.stop();
      await stub.close();
      // startLocalStack and this section set the handlers' environment: put the runner's back.
      for (const key of Object.keys(process.env)) if (!(key in savedEnv)) delete process.env[key];
      Object.assign(process.env, savedEnv);
      await rm(work, { recursive: true, force: true });
    }
  },
};
