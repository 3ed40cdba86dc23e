import { existsSync, readFileSync } from "node:fs";
import { userInfo } from "node:os";
import { join } from "node:path";
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { GetCallerIdentityCommand, STSClient } from "@aws-sdk/client-sts";
import { accountEvents } from "../../lambdas/adapters/account-events";
import { createDocumentClient } from "../../lambdas/adapters/dynamodb";
import { failureBudget } from "../../lambdas/adapters/failure-budget";
import { runtimeConfig } from "../../lambdas/adapters/runtime-config";
import { attemptInspector, attemptLimiter } from "../../lambdas/adapters/security-store";
import { supportAccounts, supportProfiles } from "../../lambdas/adapters/support-store";
import {
  accountEventsTable,
  accountsTable,
  profilesTable,
  securityTable,
  tableName,
} from "../../lambdas/definitions/tables";
import type { LimiterConfig } from "../../lambdas/domain/enrollment/attempt-window";
import type { AttemptLimiter } from "../../lambdas/domain/enrollment/ports";
import type { SupportDeps } from "../../lambdas/domain/support/status";
import { tableNameOutputKey } from "../../lib/stacks/stateful-stack";
import { LOCAL_CREDENTIALS, LOCAL_PREFIX, LOCAL_REGION, localDir } from "../settings";
import type { Endpoints } from "../stack";
import { statefulOutputs } from "../stage-outputs";

export class TargetError extends Error {}

/** What every support command works with: the same adapters the functions use. */
export type SupportTarget = SupportDeps & {
  readonly limiter: Pick<AttemptLimiter, "clear">;
  readonly where: string;
  close(): void;
};

interface Tables {
  readonly accounts: string;
  readonly profiles: string;
  readonly security: string;
  readonly accountEvents: string;
}

function targetOn(
  raw: DynamoDBClient,
  tables: Tables,
  limits: LimiterConfig & { globalFailuresPerHour: number },
  actor: string,
  where: string,
): SupportTarget {
  const client = createDocumentClient(raw);
  return {
    accounts: supportAccounts(client, tables.accounts),
    profiles: supportProfiles(client, tables.profiles),
    attempts: attemptInspector(client, tables.security, limits),
    limiter: attemptLimiter(client, tables.security, limits),
    budget: failureBudget(client, tables.security, { perHour: limits.globalFailuresPerHour, cacheMs: 0 }),
    events: accountEvents(client, tables.accountEvents),
    actor,
    now: () => new Date(),
    where,
    close: () => raw.destroy(),
  };
}

/** The running `npm start`, found through .local/endpoints.json; the actor is the local user. */
export function localSupportTarget(dir = localDir): SupportTarget {
  const file = join(dir, "endpoints.json");
  if (!existsSync(file)) {
    throw new TargetError(
      "the local stack is not running (no .local/endpoints.json): start it with `npm start`, or name a deployed stage with --stage",
    );
  }
  const endpoints = JSON.parse(readFileSync(file, "utf8")) as Endpoints;
  const raw = new DynamoDBClient({
    endpoint: endpoints.dynamodb,
    region: LOCAL_REGION,
    credentials: LOCAL_CREDENTIALS,
    maxAttempts: 2,
  });
  const local = (definition: Parameters<typeof tableName>[1]) => tableName(LOCAL_PREFIX, definition);
  return targetOn(
    raw,
    {
      accounts: local(accountsTable),
      profiles: local(profilesTable),
      security: local(securityTable),
      accountEvents: local(accountEventsTable),
    },
    runtimeConfig().verification,
    `local:${userInfo().username}`,
    "local stack",
  );
}

/** A deployed stage, with the operator's credentials; the actor is their AWS identity (STS). */
export async function stageSupportTarget(stageName: string): Promise<SupportTarget> {
  const { stage, output } = await statefulOutputs(stageName);
  const sts = new STSClient({ region: stage.region });
  let actor: string;
  try {
    actor = (await sts.send(new GetCallerIdentityCommand({}))).Arn ?? "unknown AWS identity";
  } catch (error) {
    throw new TargetError(
      `cannot tell who you are on AWS (STS GetCallerIdentity: ${error instanceof Error ? error.name : String(error)}): are your AWS credentials set?`,
    );
  } finally {
    sts.destroy();
  }
  const raw = new DynamoDBClient({ region: stage.region, maxAttempts: 5 });
  return targetOn(
    raw,
    {
      accounts: output(tableNameOutputKey(accountsTable)),
      profiles: output(tableNameOutputKey(profilesTable)),
      security: output(tableNameOutputKey(securityTable)),
      accountEvents: output(tableNameOutputKey(accountEventsTable)),
    },
    stage.verification,
    actor,
    `stage ${stage.name}`,
  );
}
