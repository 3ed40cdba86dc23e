import { CognitoIdentityProviderClient } from "@aws-sdk/client-cognito-identity-provider";
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { cognitoIdentity } from "../lambdas/adapters/cognito-identity";
import { createDocumentClient } from "../lambdas/adapters/dynamodb";
import { pendingEnrollments, profileStore } from "../lambdas/adapters/profile-store";
import { profilesTable, tableName } from "../lambdas/definitions/tables";
import { type SweepSummary, sweepExpiredEnrollments } from "../lambdas/domain/enrollment/expire-enrollments";
import { LOCAL_CREDENTIALS, LOCAL_PREFIX, LOCAL_REGION } from "./settings";
import type { Endpoints } from "./stack";

export type SweepEndpoints = Pick<Endpoints, "dynamodb" | "cognito">;

/**
 * One run of the enrollment sweep against the local emulators: the use case the scheduled function
 * runs on AWS (lambdas/handlers/enrollment-sweeper.ts), with the same adapters.
 */
export async function sweepLocalEnrollments(
  endpoints: SweepEndpoints,
  options: {
    readonly now?: () => Date;
    readonly onError?: (customerNumber: string, error: unknown) => void;
  } = {},
): Promise<SweepSummary> {
  const config = { region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS };
  const raw = new DynamoDBClient({ ...config, endpoint: endpoints.dynamodb });
  const cognito = new CognitoIdentityProviderClient({ ...config, endpoint: endpoints.cognito.endpoint });
  const client = createDocumentClient(raw);
  const table = tableName(LOCAL_PREFIX, profilesTable);
  try {
    return await sweepExpiredEnrollments(
      {
        profiles: profileStore(client, table),
        pending: pendingEnrollments(client, table),
        identity: cognitoIdentity(cognito, endpoints.cognito.userPoolId),
        now: options.now ?? (() => new Date()),
      },
      options.onError ? { onError: options.onError } : {},
    );
  } finally {
    raw.destroy();
    cognito.destroy();
  }
}

export interface SweepTimer {
  /** Stops the timer and waits for a run in progress. */
  stop(): Promise<void>;
}

/**
 * `npm start`'s stand-in for the hourly schedule: a run at once, then one every `intervalMs`, never
 * two at a time. A failed run is reported and the next one tries again.
 */
export function startSweepTimer(
  endpoints: SweepEndpoints,
  intervalMs: number,
  report: (line: string) => void,
): SweepTimer {
  let running: Promise<void> | undefined;
  const run = () => {
    if (running) return;
    running = sweepLocalEnrollments(endpoints)
      .then(
        (summary) => {
          if (summary.expired > 0 || summary.failed > 0)
            report(`enrollment sweep: expired ${summary.expired}, failed ${summary.failed}`);
        },
        (error: unknown) =>
          report(`enrollment sweep failed: ${error instanceof Error ? error.message : String(error)}`),
      )
      .finally(() => {
        running = undefined;
      });
  };
  run();
  const timer = setInterval(run, intervalMs);
  // The stack's own servers keep the process alive; the timer must not.
  timer.unref();
  return {
    async stop() {
      clearInterval(timer);
      await running;
    },
  };
}
