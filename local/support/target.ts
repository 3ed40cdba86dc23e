import { existsSync, readFileSync } from "node:fs";
import { userInfo } from "node:os";
import { join } from "node:path";
import { CognitoIdentityProviderClient } from "@aws-sdk/client-cognito-identity-provider";
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { SESv2Client } from "@aws-sdk/client-sesv2";
import { GetCallerIdentityCommand, STSClient } from "@aws-sdk/client-sts";
import { accountEvents } from "../../lambdas/adapters/account-events";
import { createDocumentClient } from "../../lambdas/adapters/dynamodb";
import { failureBudget } from "../../lambdas/adapters/failure-budget";
import { profileRemovalDeps } from "../../lambdas/adapters/profile-removal";
import { accountContacts } from "../../lambdas/adapters/profile-store";
import { runtimeConfig } from "../../lambdas/adapters/runtime-config";
import { attemptInspector, attemptLimiter } from "../../lambdas/adapters/security-store";
import { sesProfileRemovedNotifier } from "../../lambdas/adapters/ses-mailer";
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
import type { RevokeDeps } from "../../lambdas/domain/support/revoke";
import type { SupportDeps } from "../../lambdas/domain/support/status";
import { statefulOutputKeys, tableNameOutputKey } from "../../lib/stacks/stateful-stack";
import { LOCAL_CREDENTIALS, LOCAL_PREFIX, LOCAL_REGION, LOCAL_SES_FROM, localDir } from "../settings";
import type { Endpoints } from "../stack";
import { statefulOutputs } from "../stage-outputs";

export class TargetError extends Error {}

/** What every support command works with: the same adapters the functions use. */
export type SupportTarget = SupportDeps &
  RevokeDeps & {
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

/** The user pool and the mailer, for `revoke`. */
interface Services {
  readonly cognito: CognitoIdentityProviderClient;
  readonly userPoolId: string;
  readonly ses: SESv2Client;
  readonly from: string;
  readonly configurationSet?: string;
  readonly supportPhone: string;
}

function targetOn(
  raw: DynamoDBClient,
  tables: Tables,
  limits: LimiterConfig & { globalFailuresPerHour: number },
  services: Services,
  actor: string,
  where: string,
): SupportTarget {
  const client = createDocumentClient(raw);
  const now = () => new Date();
  return {
    removal: profileRemovalDeps(client, tables.profiles, services.cognito, services.userPoolId, now),
    contacts: accountContacts(client, tables.accounts),
    notifier: sesProfileRemovedNotifier(services.ses, {
      from: services.from,
      ...(services.configurationSet ? { configurationSet: services.configurationSet } : {}),
      supportPhone: services.supportPhone,
    }),
    accounts: supportAccounts(client, tables.accounts),
    profiles: supportProfiles(client, tables.profiles),
    attempts: attemptInspector(client, tables.security, limits),
    limiter: attemptLimiter(client, tables.security, limits),
    budget: failureBudget(client, tables.security, { perHour: limits.globalFailuresPerHour, cacheMs: 0 }),
    events: accountEvents(client, tables.accountEvents),
    actor,
    now,
    where,
    close: () => {
      raw.destroy();
      services.cognito.destroy();
      services.ses.destroy();
    },
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
    {
      cognito: new CognitoIdentityProviderClient({
        endpoint: endpoints.cognito.endpoint,
        region: LOCAL_REGION,
        credentials: LOCAL_CREDENTIALS,
        maxAttempts: 2,
      }),
      userPoolId: endpoints.cognito.userPoolId,
      ses: new SESv2Client({ endpoint: endpoints.ses, region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS }),
      from: LOCAL_SES_FROM,
      supportPhone: runtimeConfig().supportPhone,
    },
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
    {
      cognito: new CognitoIdentityProviderClient({ region: stage.region, maxAttempts: 5 }),
      userPoolId: output(statefulOutputKeys.userPoolId),
      ses: new SESv2Client({ region: stage.region, maxAttempts: 5 }),
      from: stage.sesFromAddress,
      // Through the stage's configuration set, as the functions send: bounces stop further mail.
      configurationSet: output(statefulOutputKeys.sesConfigurationSetName),
      supportPhone: stage.supportPhone,
    },
    actor,
    `stage ${stage.name}`,
  );
}
