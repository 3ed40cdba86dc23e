import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { CognitoIdentityProviderClient } from "@aws-sdk/client-cognito-identity-provider";
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { GetSecretValueCommand, SecretsManagerClient } from "@aws-sdk/client-secrets-manager";
import { createDocumentClient } from "../../lambdas/adapters/dynamodb";
import { decodePepper } from "../../lambdas/adapters/pepper";
import { profileRemovalDeps } from "../../lambdas/adapters/profile-removal";
import {
  accountsTable,
  billsTable,
  contractsTable,
  profilesTable,
  tableName,
} from "../../lambdas/definitions/tables";
import type { KeyRing } from "../../lambdas/domain/key-ring";
import type { StageConfig } from "../../lib/config/stages";
import { statefulOutputKeys, tableNameOutputKey } from "../../lib/stacks/stateful-stack";
import { readLocalPepper } from "../pepper-file";
import { LOCAL_CREDENTIALS, LOCAL_PREFIX, LOCAL_REGION, localDir } from "../settings";
import type { Endpoints } from "../stack";
import { StageOutputsError, statefulOutputs } from "../stage-outputs";
import { ImportFileError, type ImportTarget } from "./import-file";

const DEFAULT_NOTICE_DELAY_DAYS = 3;

/** The running local stack, found through .local/endpoints.json. */
export function localTarget(dir = localDir): ImportTarget & { close(): void } {
  const file = join(dir, "endpoints.json");
  if (!existsSync(file)) {
    throw new ImportFileError(
      "the local stack is not running (no .local/endpoints.json): start it with `npm start`, or name a deployed stage with --stage",
    );
  }
  const endpoints = JSON.parse(readFileSync(file, "utf8")) as Endpoints;
  let pepper: KeyRing;
  try {
    pepper = readLocalPepper(dir);
  } catch {
    throw new ImportFileError(
      "the local pepper file .local/pepper is missing: start the local stack with `npm start`",
    );
  }
  return localTargetAt(endpoints.dynamodb, pepper, endpoints.cognito);
}

/**
 * The local tables at `endpoint`; with the emulator's user pool, a closed account's profile is
 * revoked as on a stage (without it, tests and benchmarks import closed accounts only).
 */
export function localTargetAt(
  endpoint: string,
  pepper: KeyRing,
  userPool?: { readonly endpoint: string; readonly userPoolId: string },
): ImportTarget & { close(): void } {
  const raw = new DynamoDBClient({
    endpoint,
    region: LOCAL_REGION,
    credentials: LOCAL_CREDENTIALS,
    maxAttempts: 3,
  });
  const client = createDocumentClient(raw);
  const cognito = userPool
    ? new CognitoIdentityProviderClient({
        endpoint: userPool.endpoint,
        region: LOCAL_REGION,
        credentials: LOCAL_CREDENTIALS,
        maxAttempts: 3,
      })
    : undefined;
  return {
    client,
    ...(cognito && userPool
      ? {
          removal: profileRemovalDeps(
            client,
            tableName(LOCAL_PREFIX, profilesTable),
            cognito,
            userPool.userPoolId,
          ),
        }
      : {}),
    tables: {
      accounts: tableName(LOCAL_PREFIX, accountsTable),
      bills: tableName(LOCAL_PREFIX, billsTable),
      contracts: tableName(LOCAL_PREFIX, contractsTable),
    },
    pepper,
    noticeDelayDays: Number(process.env.NOTICE_DELAY_DAYS ?? DEFAULT_NOTICE_DELAY_DAYS),
    close: () => {
      raw.destroy();
      cognito?.destroy();
    },
  };
}

/**
 * A deployed stage: table names and the pepper secret's name from the stateful stack's outputs,
 * with the operator's AWS credentials.
 */
export async function stageTarget(stageName: string): Promise<ImportTarget & { close(): void }> {
  let stage: StageConfig;
  let output: (key: string) => string;
  try {
    ({ stage, output } = await statefulOutputs(stageName));
  } catch (error) {
    // The import CLI's own error: one line and exit 1, like every other bad target.
    if (error instanceof StageOutputsError) throw new ImportFileError(error.message);
    throw error;
  }
  const secrets = new SecretsManagerClient({ region: stage.region });
  let pepper: KeyRing;
  try {
    const secret = await secrets.send(
      new GetSecretValueCommand({ SecretId: output(statefulOutputKeys.pepperSecretName) }),
    );
    pepper = decodePepper(secret.SecretString ?? "");
  } finally {
    secrets.destroy();
  }
  const tables = {
    accounts: output(tableNameOutputKey(accountsTable)),
    bills: output(tableNameOutputKey(billsTable)),
    contracts: output(tableNameOutputKey(contractsTable)),
  };
  const raw = new DynamoDBClient({ region: stage.region, maxAttempts: 5 });
  const client = createDocumentClient(raw);
  // A closed account's profile is revoked in the stage's user pool, with the operator's credentials.
  const cognito = new CognitoIdentityProviderClient({ region: stage.region, maxAttempts: 5 });
  return {
    client,
    tables,
    pepper,
    noticeDelayDays: stage.notices.delayDays,
    removal: profileRemovalDeps(
      client,
      output(tableNameOutputKey(profilesTable)),
      cognito,
      output(statefulOutputKeys.userPoolId),
    ),
    close: () => {
      raw.destroy();
      cognito.destroy();
    },
  };
}
