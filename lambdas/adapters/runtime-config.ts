import * as env from "../definitions/environment";
import { DEFAULT_SUPPORT_PHONE, DEFAULT_WEB_ORIGIN } from "../definitions/limits";
import { noticeEnv } from "../definitions/notice-env";
import { CLAIM_LEASE_SECONDS } from "../definitions/notices";
import {
  accountEventsTable,
  accountsTable,
  billsTable,
  contractsTable,
  noticesTable,
  profilesTable,
  securityTable,
  type TableDefinition,
} from "../definitions/tables";
import { userPoolEnv } from "../definitions/user-pool";
import { tableNameFromEnv } from "./table-name";

function positiveInt(source: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const raw = source[name];
  if (raw === undefined || raw === "") return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value <= 0)
    throw new Error(`${name}=${raw} must be a positive whole number.`);
  return value;
}

function required(source: NodeJS.ProcessEnv, name: string): string {
  const value = source[name];
  if (!value) throw new Error(`${name} is not set.`);
  return value;
}

/**
 * The names of these tables, each read from its variable when used: a function receives the names of
 * the tables it is granted, and only those. A handler names the tables it reads, so that its bundle
 * holds those definitions (tables.ts) and not every table's keys and indexes.
 */
export function tableNames<K extends string>(
  tables: Readonly<Record<K, TableDefinition>>,
  source: NodeJS.ProcessEnv = process.env,
): Readonly<Record<K, string>> {
  const names = {} as Record<K, string>;
  for (const key of Object.keys(tables) as K[]) {
    Object.defineProperty(names, key, {
      enumerable: true,
      get: () => tableNameFromEnv(tables[key], source),
    });
  }
  return names;
}

/*
 * The settings below are read apart, each by what needs it: a handler that calls only the ones it
 * uses bundles neither the others' parsing nor their variables' modules (user-pool.ts, notice-env.ts).
 */

/** The limits of ownership verification (attempts, lockouts, the step-up budget). */
export function verificationLimits(source: NodeJS.ProcessEnv = process.env) {
  return {
    maxFailures: positiveInt(source, env.verifyMaxFailures, 5),
    windowSeconds: positiveInt(source, env.verifyWindowSeconds, 900),
    lockoutSeconds: positiveInt(source, env.verifyLockoutSeconds, 900),
    dailyMaxFailures: positiveInt(source, env.verifyDailyMaxFailures, 10),
    globalFailuresPerHour: positiveInt(source, env.verifyGlobalFailuresPerHour, 50),
  };
}

/** The queue of step-up challenges; read when first sent to, so that a function without it starts. */
export const stepUpQueueUrl = (source: NodeJS.ProcessEnv = process.env) =>
  required(source, env.stepUpQueueUrl);

export const userPoolId = (source: NodeJS.ProcessEnv = process.env) =>
  required(source, userPoolEnv.userPoolId);

/** What the e-mails link to and tell the customer to call. */
export function customerFacing(source: NodeJS.ProcessEnv = process.env) {
  return {
    webBaseUrl: source[env.webBaseUrl] ?? source[env.webOrigin] ?? DEFAULT_WEB_ORIGIN,
    supportPhone: source[env.supportPhone] ?? DEFAULT_SUPPORT_PHONE,
  };
}

/** The sender of the e-mails, and SES's configuration set when the stage has one. */
export function sesSettings(source: NodeJS.ProcessEnv = process.env) {
  return {
    from: source[env.sesFrom] ?? "no-reply@example.com",
    ...(source[env.sesConfigurationSet] ? { configurationSet: source[env.sesConfigurationSet] } : {}),
  };
}

/** The notice pipeline's queues, rate and lease. */
export function noticeSettings(source: NodeJS.ProcessEnv = process.env) {
  return {
    queueUrl: () => required(source, noticeEnv.queueUrl),
    delayDays: positiveInt(source, env.noticeDelayDays, 3),
    sesMaxSendRate: positiveInt(source, noticeEnv.sesMaxSendRate, 1),
    senderConcurrency: positiveInt(source, noticeEnv.senderConcurrency, 2),
    dispatchQueueUrl: () => required(source, noticeEnv.dispatchQueueUrl),
    claimLeaseSeconds: positiveInt(source, noticeEnv.claimLeaseSeconds, CLAIM_LEASE_SECONDS),
  };
}

/** Everything the functions read from their environment, checked once per cold start. */
export function runtimeConfig(source: NodeJS.ProcessEnv = process.env) {
  return {
    tables: tableNames(
      {
        accounts: accountsTable,
        profiles: profilesTable,
        bills: billsTable,
        contracts: contractsTable,
        security: securityTable,
        notices: noticesTable,
        accountEvents: accountEventsTable,
      },
      source,
    ),
    verification: verificationLimits(source),
    stepUp: {
      queueUrl: () => stepUpQueueUrl(source),
    },
    userPoolId: () => userPoolId(source),
    notices: noticeSettings(source),
    ...customerFacing(source),
    ses: sesSettings(source),
  };
}

export type RuntimeConfig = ReturnType<typeof runtimeConfig>;
