import { readFileSync } from "node:fs";
import { CognitoIdentityProviderClient, ListUsersCommand } from "@aws-sdk/client-cognito-identity-provider";
import { expect, inject } from "vitest";
import { decodePepper } from "../../lambdas/adapters/pepper";
import { CUSTOMER_NUMBER_CLAIM } from "../../lambdas/definitions/user-pool";
import { importBillingFile } from "../../local/import/import-file";
import { localTargetAt } from "../../local/import/target";
import { LOCAL_CREDENTIALS, LOCAL_REGION } from "../../local/settings";
import { tempFiles } from "./temp-files";

/** Helpers for API tests on the emulators: seed accounts, call the API, read the mailbox and the pool. */
export function apiWorld(apiUrl: () => string) {
  const { endpoints, environment } = inject("localStack");
  const pepper = decodePepper(readFileSync(environment.PEPPER_FILE as string, "utf8").trim());
  const files = tempFiles("api-world");
  const cognito = new CognitoIdentityProviderClient({
    region: LOCAL_REGION,
    credentials: LOCAL_CREDENTIALS,
    endpoint: endpoints.cognito.endpoint,
  });

  async function post(path: string, body: unknown, headers: Record<string, string> = {}) {
    const res = await fetch(`${apiUrl()}${path}`, {
      method: "POST",
      headers: { "Content-Type": "application/json", ...headers },
      body: typeof body === "string" ? body : JSON.stringify(body),
    });
    const text = await res.text();
    return {
      status: res.status,
      headers: res.headers,
      text,
      json: text ? (JSON.parse(text) as Record<string, unknown>) : {},
    };
  }

  return {
    endpoints,
    post,
    async seedAccount(customerNumber: string, overrides: Partial<Record<string, string>> = {}) {
      const row = {
        customerNumber,
        accessCode: "24680",
        phone: "4505551234",
        postalCode: "J4K1A1",
        lastDebitAmount: "84.37",
        language: "fr",
        balance: "84.37",
        fullName: "Client Test",
        ...overrides,
      };
      const target = localTargetAt(endpoints.dynamodb, pepper, endpoints.cognito);
      try {
        const summary = await importBillingFile({
          kind: "accounts",
          file: files.write(`${Object.keys(row).join(",")}\n${Object.values(row).join(",")}\n`),
          target,
        });
        if (summary.rejected > 0) throw new Error(`seed ${customerNumber} rejected`);
      } finally {
        target.close();
      }
    },
    /** Imports billing rows (CSV `header` and `rows`) into the emulators, as `npm run import` does; none may be rejected. */
    async importRows(
      kind: "accounts" | "bills" | "contracts",
      header: string,
      rows: readonly string[],
    ): Promise<void> {
      const target = localTargetAt(endpoints.dynamodb, pepper);
      try {
        const summary = await importBillingFile({
          kind,
          file: files.write(`${header}\n${rows.join("\n")}\n`),
          target,
        });
        expect(summary.rejected, `${kind} rows rejected`).toBe(0);
      } finally {
        target.close();
      }
    },
    verifyBill: (customerNumber: string, accessCode = "24680", headers: Record<string, string> = {}) =>
      post("/v1/enrollment/verifications", { method: "bill", customerNumber, accessCode }, headers),
    enroll: (verificationToken: string, email: string, password = "un mot de passe sûr", language = "fr") =>
      post("/v1/enrollments", { verificationToken, email, password, language }),
    confirm: (token: string) => post("/v1/enrollments/confirmation", { token }),
    /** The confirmation tokens e-mailed to an address, oldest first. */
    async confirmationTokensSentTo(email: string): Promise<string[]> {
      const res = await fetch(`${endpoints.ses}/store`);
      const store = (await res.json()) as {
        emails: { destination: { to: string[] }; body: { text: string } }[];
      };
      return store.emails
        .filter((m) => m.destination.to.includes(email))
        .map((m) => /confirmation\?token=([A-Za-z0-9_-]+)/.exec(m.body.text)?.[1])
        .filter((t): t is string => Boolean(t));
    },
    /** Every e-mail sent to an address (subject and text), oldest first. */
    async mailsTo(email: string): Promise<{ subject: string; text: string }[]> {
      const res = await fetch(`${endpoints.ses}/store`);
      const store = (await res.json()) as {
        emails: { destination: { to: string[] }; subject: string; body: { text: string } }[];
      };
      return store.emails
        .filter((m) => m.destination.to.includes(email))
        .map((m) => ({ subject: m.subject, text: m.body.text }));
    },
    /** E-mails of the Cognito users linked to an account. */
    async usersOf(customerNumber: string): Promise<string[]> {
      const out = await cognito.send(new ListUsersCommand({ UserPoolId: endpoints.cognito.userPoolId }));
      return (out.Users ?? [])
        .filter((u) =>
          u.Attributes?.some((a) => a.Name === CUSTOMER_NUMBER_CLAIM && a.Value === customerNumber),
        )
        .map((u) => u.Attributes?.find((a) => a.Name === "email")?.Value ?? "");
    },
    close() {
      cognito.destroy();
      files.cleanup();
    },
  };
}
