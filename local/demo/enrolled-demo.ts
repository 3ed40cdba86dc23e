import { CognitoIdentityProviderClient } from "@aws-sdk/client-cognito-identity-provider";
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { cognitoIdentity } from "../../lambdas/adapters/cognito-identity";
import { createDocumentClient } from "../../lambdas/adapters/dynamodb";
import { enrollmentEmailQuota } from "../../lambdas/adapters/enrollment-quota";
import { accountDirectory, profileStore } from "../../lambdas/adapters/profile-store";
import {
  attemptLimiter,
  confirmationTokens,
  verificationTokens,
} from "../../lambdas/adapters/security-store";
import { accountsTable, profilesTable, securityTable, tableName } from "../../lambdas/definitions/tables";
import { confirmEmail } from "../../lambdas/domain/enrollment/confirm-email";
import { ENROLLMENT_EMAIL_QUOTA, enroll } from "../../lambdas/domain/enrollment/enroll";
import type { ConfirmationMail } from "../../lambdas/domain/enrollment/ports";
import { verifyOwnership } from "../../lambdas/domain/enrollment/verify-ownership";
import type { KeyRing } from "../../lambdas/domain/key-ring";
import { LOCAL_CREDENTIALS, LOCAL_PREFIX, LOCAL_REGION } from "../settings";

/** The demo customer who is already enrolled (README): signs in with these, locally only. */
export const enrolledDemo = {
  customerNumber: "9900005",
  accessCode: "55555",
  email: "luc.bouchard@example.com",
  password: "Demo-password-2026",
  language: "fr",
} as const;

/**
 * Enrolls and confirms the demo customer through the real use cases (verify, enroll, confirm), so
 * the demo shows exactly what a customer's enrollment leaves behind. Skipped once done.
 */
export async function ensureEnrolledDemo(options: {
  dynamodb: string;
  cognito: string;
  userPoolId: string;
  pepper: KeyRing;
  confirmationKey: Uint8Array;
}): Promise<void> {
  const config = { region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS };
  const raw = new DynamoDBClient({ ...config, endpoint: options.dynamodb });
  const cognito = new CognitoIdentityProviderClient({ ...config, endpoint: options.cognito });
  const client = createDocumentClient(raw);
  const tables = {
    accounts: tableName(LOCAL_PREFIX, accountsTable),
    profiles: tableName(LOCAL_PREFIX, profilesTable),
    security: tableName(LOCAL_PREFIX, securityTable),
  };
  const profiles = profileStore(client, tables.profiles);
  const identity = cognitoIdentity(cognito, options.userPoolId);
  const now = () => new Date();
  try {
    if ((await profiles.get(enrolledDemo.customerNumber))?.status === "ACTIVE") return;
    const verified = await verifyOwnership(
      { method: "bill", customerNumber: enrolledDemo.customerNumber, accessCode: enrolledDemo.accessCode },
      {
        limiter: attemptLimiter(client, tables.security, {
          maxFailures: 5,
          windowSeconds: 900,
          lockoutSeconds: 900,
          dailyMaxFailures: 10,
        }),
        directory: accountDirectory(client, tables),
        tokens: verificationTokens(client, tables.security),
        pepper: options.pepper,
        now,
      },
    );
    if (verified.outcome !== "verified") throw new Error(`demo enrollment: verification ${verified.outcome}`);
    const sent: ConfirmationMail[] = [];
    const enrolled = await enroll(
      {
        verificationToken: verified.token,
        email: enrolledDemo.email,
        password: enrolledDemo.password,
        language: enrolledDemo.language,
      },
      {
        verificationTokens: verificationTokens(client, tables.security),
        confirmationTokens: confirmationTokens(client, tables.security),
        profiles,
        identity,
        mailer: {
          sendConfirmation: async (mail) => void sent.push(mail),
          // Its address is the demo's own: it never has another account's profile.
          sendProfileExists: async () => undefined,
        },
        emailQuota: enrollmentEmailQuota(client, tables.security, ENROLLMENT_EMAIL_QUOTA),
        confirmationKey: options.confirmationKey,
        webBaseUrl: "http://localhost",
        now,
      },
    );
    const token = sent[0] ? new URL(sent[0].link).searchParams.get("token") : null;
    if (enrolled.outcome !== "created" || !token) throw new Error(`demo enrollment: ${enrolled.outcome}`);
    const confirmed = await confirmEmail(token, {
      confirmationTokens: confirmationTokens(client, tables.security),
      profiles,
      identity,
      now,
    });
    if (confirmed.outcome !== "active") throw new Error("demo enrollment: confirmation failed");
  } finally {
    raw.destroy();
    cognito.destroy();
  }
}
