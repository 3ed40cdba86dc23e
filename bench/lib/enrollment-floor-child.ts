/**
 * The floor process of the enrollment section (see enrollment-floor-process.ts): started with the
 * handlers' environment, it builds the SDK clients through the handlers' own factories and runs one
 * floor request per IPC message, timed here, around `run()` only.
 */
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { cognitoClient } from "../../lambdas/adapters/cognito-identity";
import { documentClient } from "../../lambdas/adapters/dynamodb";
import { runtimeConfig } from "../../lambdas/adapters/runtime-config";
import { sesClient } from "../../lambdas/adapters/ses-mailer";
import { localEnv } from "../../lambdas/definitions/environment";
import { currentKey, decodeKeyRing } from "../../lambdas/domain/key-ring";
import { callRecorder } from "./enrollment-aws-calls";
import {
  type FloorDeps,
  type FloorRun,
  prepareConfirmation,
  prepareEnrollment,
  prepareFailed,
  prepareVerified,
} from "./enrollment-floor";
import type { FloorReady, FloorReply, FloorRequest } from "./enrollment-floor-process";

const config = runtimeConfig();
const ddb = documentClient();
const cognito = cognitoClient();
const ses = sesClient();
const recorder = callRecorder();
recorder.observe(ddb, "DynamoDB");
recorder.observe(cognito, "Cognito");
recorder.observe(ses, "SESv2");

// As lambdas/adapters/pepper.ts decodes CONFIRMATION_KEY_FILE (not imported: it loads Powertools
// parameters; the key ring's parser is pure).
const confirmationKey = currentKey(
  decodeKeyRing(readFileSync(process.env[localEnv.confirmationKeyFile] as string, "utf8")),
);

const deps: FloorDeps = {
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

/** As the section wraps its timed requests, so that every side pays the same few microseconds. */
function withTimeout<T>(promise: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, fail) => {
    timer = setTimeout(() => fail(new Error("the floor request took more than 10 s")), 10_000);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

function prepare(request: FloorRequest): FloorRun & { token?: string } {
  switch (request.flow) {
    case "verify-ok":
      return prepareVerified(deps, request.customerNumber);
    case "verify-failed":
      return prepareFailed(deps, request.customerNumber);
    case "enrollment": {
      const run = prepareEnrollment(deps, request.request);
      return { run: () => run.run(), token: run.confirmationToken };
    }
    case "confirmation":
      return prepareConfirmation(deps, request);
  }
}

process.on("message", async (message) => {
  const { id, ...request } = message as FloorRequest & { id: number };
  let reply: FloorReply;
  try {
    const floor = prepare(request as FloorRequest);
    recorder.begin();
    const started = performance.now();
    try {
      await withTimeout(floor.run());
    } finally {
      // Always close the invocation, even when a call failed.
      const elapsed = performance.now() - started;
      const { calls, levels, sdkMs, sendMs } = recorder.end();
      reply = {
        id,
        ok: true,
        ms: elapsed,
        sdkMs,
        sendMs,
        calls,
        levels,
        ...(floor.token ? { token: floor.token } : {}),
      };
    }
  } catch (error) {
    reply = {
      id,
      ok: false,
      ms: 0,
      sdkMs: 0,
      sendMs: [],
      calls: [],
      levels: [],
      error: error instanceof Error ? error.message : String(error),
    };
  }
  process.send?.(reply);
});

process.on("disconnect", () => {
  ddb.destroy();
  cognito.destroy();
  ses.destroy();
  process.exit(0);
});

const loaded = Object.keys(createRequire(import.meta.url).cache);
const ready: FloorReady = {
  ready: true,
  tracingModules: loaded.filter((file) => /aws-xray-sdk-core|cls-hooked/.test(file)).length,
};
process.send?.(ready);
