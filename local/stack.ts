import { rmSync } from "node:fs";
import type { Server } from "node:net";
import { join } from "node:path";
import { CognitoIdentityProviderClient } from "@aws-sdk/client-cognito-identity-provider";
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { env, localEnv } from "../lambdas/definitions/environment";
import { DEFAULT_SUPPORT_PHONE, DEFAULT_WEB_ORIGIN } from "../lambdas/definitions/limits";
import { tableName, tables } from "../lambdas/definitions/tables";
import { userPoolDefinition, userPoolEnv } from "../lambdas/definitions/user-pool";
import { currentKey } from "../lambdas/domain/key-ring";
import type { WebConfig } from "../web/src/config";
import { ensureEnrolledDemo } from "./demo/enrolled-demo";
import { loadDemoData } from "./demo/load-demo";
import { ensureLocalDocuments } from "./documents";
import { startCognito } from "./emulators/cognito";
import { checkJava, startDynamoDb } from "./emulators/dynamodb";
import { type ManagedProcess, portIsFree, StartupError } from "./emulators/process";
import { startSes } from "./emulators/ses";
import { type SweepTimer, startSweepTimer } from "./enrollment-sweep";
import { createApiServer } from "./http-adapter";
import { localTargetAt } from "./import/target";
import {
  ensureLocalConfirmationKey,
  ensureLocalPepper,
  readLocalConfirmationKey,
  readLocalPepper,
} from "./pepper-file";
import { ensureTables, ensureUserPool, type LocalUserPool } from "./provision";
import {
  LOCAL_CREDENTIALS,
  LOCAL_PREFIX,
  LOCAL_REGION,
  LOCAL_SES_FROM,
  type LocalPorts,
  portVariables,
} from "./settings";
import { createWebServer } from "./web-server";

export interface Endpoints {
  readonly api: string;
  readonly dynamodb: string;
  readonly ses: string;
  readonly cognito: { readonly endpoint: string; readonly userPoolId: string; readonly clientId: string };
  /** The reference website, when this stack serves it (npm start): the CORS origin and base URL. */
  readonly web?: string;
}

export interface LocalStack {
  readonly endpoints: Endpoints;
  /** The environment the handlers run with (also set on this process). */
  readonly environment: Readonly<Record<string, string>>;
  stop(): Promise<void>;
}

export interface LocalStackOptions {
  readonly ports: LocalPorts;
  /** Where data, logs and emulator state live. */
  readonly dir: string;
  /** Data kept on disk between runs (npm start), or in memory (tests). */
  readonly persist: boolean;
  /** Start empty: remove what earlier runs left. */
  readonly fresh?: boolean;
  /** Serve the HTTP API too (npm start, API tests); tooling that only needs the emulators skips it. */
  readonly serveApi?: boolean;
  /** Serve the reference website at the web origin too (npm start). */
  readonly serveWeb?: boolean;
  /** Load the demo customers (npm start). */
  readonly demo?: boolean;
  /**
   * Sweep expired enrollments at start and then at this interval (npm start: the AWS schedule's
   * stand-in). Tests leave it off: a sweep of their own runs on an injected clock.
   */
  readonly sweepEveryMs?: number;
  readonly onProgress?: (step: string) => void;
}

/**
 * The environment every handler receives locally: the same variable names the CDK function
 * construct sets, pointing the SDK at the emulators through its standard endpoint variables.
 */
export function handlerEnvironment(
  endpoints: Omit<Endpoints, "api"> & { api?: string },
): Record<string, string> {
  // The website this stack serves (WEB_PORT) is the origin, unless WEB_ORIGIN names another.
  const webOrigin = process.env.WEB_ORIGIN ?? endpoints.web ?? DEFAULT_WEB_ORIGIN;
  const environment: Record<string, string> = {
    AWS_REGION: LOCAL_REGION,
    AWS_ACCESS_KEY_ID: LOCAL_CREDENTIALS.accessKeyId,
    AWS_SECRET_ACCESS_KEY: LOCAL_CREDENTIALS.secretAccessKey,
    AWS_ENDPOINT_URL_DYNAMODB: endpoints.dynamodb,
    AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER: endpoints.cognito.endpoint,
    AWS_ENDPOINT_URL_SESV2: endpoints.ses,
    AWS_ENDPOINT_URL_SES: endpoints.ses,
    POWERTOOLS_SERVICE_NAME: "enrollment-local",
    POWERTOOLS_METRICS_DISABLED: "true",
    [env.stage]: "local",
    [env.webOrigin]: webOrigin,
    [env.webBaseUrl]: process.env.WEB_BASE_URL ?? webOrigin,
    [env.supportPhone]: process.env.SUPPORT_PHONE ?? DEFAULT_SUPPORT_PHONE,
    [env.sesFrom]: LOCAL_SES_FROM,
    [userPoolEnv.userPoolId]: endpoints.cognito.userPoolId,
    [userPoolEnv.webClientId]: endpoints.cognito.clientId,
    // The emulator's issuer: the authorizer verifies its tokens against its JWKS.
    [localEnv.tokenIssuer]: `${endpoints.cognito.endpoint}/${endpoints.cognito.userPoolId}`,
    ...(endpoints.api ? { [localEnv.apiUrl]: endpoints.api } : {}),
  };
  for (const table of tables) environment[table.envVar] = tableName(LOCAL_PREFIX, table);
  return environment;
}

async function assertPortsFree(ports: LocalPorts, serveApi: boolean, serveWeb: boolean): Promise<void> {
  for (const key of Object.keys(ports) as (keyof LocalPorts)[]) {
    if (key === "api" && !serveApi) continue;
    if (key === "web" && !serveWeb) continue;
    if (!(await portIsFree(ports[key]))) {
      const { variable } = portVariables[key];
      throw new StartupError(
        `Port ${ports[key]} is already in use: stop what uses it (another npm start?) or set ${variable} to a free port.`,
      );
    }
  }
}

function listen(server: Server, port: number): Promise<void> {
  return new Promise((done, fail) => {
    server.once("error", fail);
    server.listen({ port, host: "127.0.0.1" }, () => done());
  });
}

/** Starts the emulators, creates tables and the user pool from the shared definitions, serves the API. */
export async function startLocalStack(options: LocalStackOptions): Promise<LocalStack> {
  const progress = options.onProgress ?? (() => undefined);
  const serveApi = options.serveApi ?? true;
  const serveWeb = options.serveWeb ?? false;
  // Everything that can be checked before starting anything, so that a refusal is one clear line.
  checkJava();
  await assertPortsFree(options.ports, serveApi, serveWeb);
  const dynamoDir = join(options.dir, "dynamodb");
  const cognitoDir = join(options.dir, "cognito");
  if (options.fresh) {
    rmSync(dynamoDir, { recursive: true, force: true });
    rmSync(cognitoDir, { recursive: true, force: true });
  }
  const logs = join(options.dir, "logs");
  const running: ManagedProcess[] = [];
  let server: Server | undefined;
  let webServer: Server | undefined;
  let sweep: SweepTimer | undefined;
  const stop = async () => {
    await sweep?.stop();
    if (server) await new Promise<void>((done) => server?.close(() => done()));
    if (webServer) await new Promise<void>((done) => webServer?.close(() => done()));
    await Promise.all(running.map((p) => p.stop()));
  };
  try {
    progress("starting DynamoDB Local, the Cognito emulator and the SES emulator");
    const started = await Promise.all([
      startDynamoDb({
        port: options.ports.dynamodb,
        logFile: join(logs, "dynamodb.log"),
        ...(options.persist ? { dataDir: dynamoDir } : {}),
      }).then((p) => running.push(p)),
      startCognito({
        port: options.ports.cognito,
        dataDir: cognitoDir,
        logFile: join(logs, "cognito.log"),
      }).then((p) => running.push(p)),
      startSes({ port: options.ports.ses, logFile: join(logs, "ses.log") }).then((p) => running.push(p)),
    ]);
    void started;
    const dynamodb = `http://localhost:${options.ports.dynamodb}`;
    const cognitoEndpoint = `http://localhost:${options.ports.cognito}`;
    const clientConfig = { region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS };
    progress("creating the tables and the user pool");
    const dynamoClient = new DynamoDBClient({ ...clientConfig, endpoint: dynamodb });
    const cognitoClient = new CognitoIdentityProviderClient({ ...clientConfig, endpoint: cognitoEndpoint });
    let pool: LocalUserPool;
    try {
      await ensureTables(dynamoClient, LOCAL_PREFIX);
      pool = await ensureUserPool(cognitoClient, `${LOCAL_PREFIX}-${userPoolDefinition.id}`);
    } finally {
      dynamoClient.destroy();
      cognitoClient.destroy();
    }
    const endpoints: Endpoints = {
      api: `http://localhost:${options.ports.api}`,
      dynamodb,
      ses: `http://localhost:${options.ports.ses}`,
      cognito: { endpoint: cognitoEndpoint, ...pool },
      ...(serveWeb ? { web: `http://localhost:${options.ports.web}` } : {}),
    };
    const pepperFile = ensureLocalPepper(options.dir);
    const confirmationKeyFile = ensureLocalConfirmationKey(options.dir);
    const documents = ensureLocalDocuments(options.dir);
    const environment: Record<string, string> = {
      ...handlerEnvironment(endpoints),
      [localEnv.pepperFile]: pepperFile,
      [localEnv.confirmationKeyFile]: confirmationKeyFile,
      [localEnv.documentsDir]: documents.dir,
      [localEnv.documentsKeyFile]: documents.keyFile,
    };
    if (options.demo) {
      progress("loading the demo customers");
      const pepper = readLocalPepper(options.dir);
      const target = localTargetAt(dynamodb, pepper);
      try {
        await loadDemoData(target);
      } finally {
        target.close();
      }
      await ensureEnrolledDemo({
        dynamodb,
        cognito: cognitoEndpoint,
        userPoolId: pool.userPoolId,
        pepper,
        confirmationKey: currentKey(readLocalConfirmationKey(options.dir)),
      });
    }
    Object.assign(process.env, environment);
    if (options.sweepEveryMs !== undefined) {
      progress("sweeping expired enrollments (and again every so often)");
      sweep = startSweepTimer(endpoints, options.sweepEveryMs, (line) => progress(line));
    }
    if (serveApi) {
      progress("serving the API");
      server = createApiServer();
      await listen(server, options.ports.api);
    }
    if (serveWeb) {
      progress("building and serving the website");
      const config = localWebConfig(endpoints, environment[env.supportPhone] ?? DEFAULT_SUPPORT_PHONE);
      webServer = await createWebServer({ config: () => config });
      await listen(webServer, options.ports.web);
    }
    return { endpoints, environment, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

/** What the website's /config.json says locally: this stack's API and its Cognito emulator. */
export function localWebConfig(endpoints: Endpoints, supportPhone: string): WebConfig {
  return {
    apiUrl: endpoints.api,
    supportPhone,
    cognito: {
      endpoint: endpoints.cognito.endpoint,
      userPoolId: endpoints.cognito.userPoolId,
      clientId: endpoints.cognito.clientId,
      // The emulator has no SRP; the local web client allows USER_PASSWORD_AUTH for it.
      authFlow: "USER_PASSWORD_AUTH",
    },
  };
}
