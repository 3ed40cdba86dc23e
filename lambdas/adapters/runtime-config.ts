import { env } from "../definitions/environment";
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
} from "../definitions/tables";
import { userPoolEnv } from "../definitions/user-pool";
import { tableNameFromEnv } from "./dynamodb";

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

/** What the functions read from their environment, checked once per cold start. */
export function runtimeConfig(source: NodeJS.ProcessEnv = process.env) {
  return {
    // Read when used: a function receives the names of the tables it is granted, and only those.
    tables: {
      get accounts() {
        return tableNameFromEnv(accountsTable, source);
      },
      get profiles() {
        return tableNameFromEnv(profilesTable, source);
      },
      get bills() {
        return tableNameFromEnv(billsTable, source);
      },
      get contracts() {
        return tableNameFromEnv(contractsTable, source);
      },
      get security() {
        return tableNameFromEnv(securityTable, source);
      },
      get notices() {
        return tableNameFromEnv(noticesTable, source);
      },
      get accountEvents() {
        return tableNameFromEnv(accountEventsTable, source);
      },
    },
    verification: {
      maxFailures: positiveInt(source, env.verifyMaxFailures, 5),
      windowSeconds: positiveInt(source, env.verifyWindowSeconds, 900),
      lockoutSeconds: positiveInt(source, env.verifyLockoutSeconds, 900),
      dailyMaxFailures: positiveInt(source, env.verifyDailyMaxFailures, 10),
      globalFailuresPerHour: positiveInt(source, env.verifyGlobalFailuresPerHour, 50),
    },
    stepUp: {
      queueUrl: () => required(source, env.stepUpQueueUrl),
    },
    userPoolId: () => required(source, userPoolEnv.userPoolId),
    notices: {
      queueUrl: () => required(source, noticeEnv.queueUrl),
      delayDays: positiveInt(source, env.noticeDelayDays, 3),
      sesMaxSendRate: positiveInt(source, noticeEnv.sesMaxSendRate, 1),
      senderConcurrency: positiveInt(source, noticeEnv.senderConcurrency, 2),
      dispatchQueueUrl: () => required(source, noticeEnv.dispatchQueueUrl),
      claimLeaseSeconds: positiveInt(source, noticeEnv.claimLeaseSeconds, CLAIM_LEASE_SECONDS),
    },
    webBaseUrl: source[env.webBaseUrl] ?? source[env.webOrigin] ?? DEFAULT_WEB_ORIGIN,
    supportPhone: source[env.supportPhone] ?? DEFAULT_SUPPORT_PHONE,
    ses: {
      from: source[env.sesFrom] ?? "no-reply@example.com",
      ...(source[env.sesConfigurationSet] ? { configurationSet: source[env.sesConfigurationSet] } : {}),
    },
  };
}

export type RuntimeConfig = ReturnType<typeof runtimeConfig>;
