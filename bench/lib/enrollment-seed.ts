import { writeFile } from "node:fs/promises";
import { billingFiles } from "../../lambdas/domain/billing-records";
import type { KeyRing } from "../../lambdas/domain/key-ring";
import { importBillingFile } from "../../local/import/import-file";
import { localTargetAt } from "../../local/import/target";

/** The access code printed on every seeded account's bill. */
export const SEEDED_ACCESS_CODE = "24680";
/** A valid access code that is not SEEDED_ACCESS_CODE: the wrong-code failure. */
export const WRONG_ACCESS_CODE = "11111";

/** Row i of the bench's accounts: customer number `first + i`, the fields of a real account. */
function accountRow(customerNumber: number, i: number): string {
  const row: Record<string, string> = {
    customerNumber: String(customerNumber),
    accessCode: SEEDED_ACCESS_CODE,
    phone: `450555${String(i % 10_000).padStart(4, "0")}`,
    postalCode: "J4K 1A1",
    lastDebitAmount: `${(i % 200) + 10}.37`,
    language: i % 3 === 0 ? "en" : "fr",
    balance: `${(i % 300) + 1}.37`,
    fullName: `Client Banc ${i}`,
  };
  return billingFiles.accounts.columns.map((column) => row[column] ?? "").join(",");
}

/**
 * Imports `count` accounts numbered `first`, `first + 1`, … through the importer itself
 * (importBillingFile), so the items and their keyed hashes are exactly what production holds.
 */
export async function seedAccounts(options: {
  readonly dynamodbEndpoint: string;
  readonly pepper: KeyRing;
  readonly file: string;
  readonly first: number;
  readonly count: number;
}): Promise<void> {
  const lines = [billingFiles.accounts.columns.join(",")];
  for (let i = 0; i < options.count; i++) lines.push(accountRow(options.first + i, i));
  await writeFile(options.file, `${lines.join("\n")}\n`);
  const target = localTargetAt(options.dynamodbEndpoint, options.pepper);
  try {
    const summary = await importBillingFile({ kind: "accounts", file: options.file, target });
    if (summary.imported !== options.count || summary.rejected !== 0) {
      throw new Error(`bench seed: ${JSON.stringify(summary)}, expected ${options.count} accounts imported`);
    }
  } finally {
    target.close();
  }
}
