import { once } from "node:events";
import { createWriteStream } from "node:fs";
import { join } from "node:path";
import { BATCH_SIZE, putBatch } from "../../lambdas/adapters/batch-writer";
import { billingFiles } from "../../lambdas/domain/billing-records";
import { addDays } from "../../lambdas/domain/dates";
import { importBillingFile } from "../../local/import/import-file";
import type { localTargetAt } from "../../local/import/target";
import { writeAccountsCsv } from "./import-data";

/** The accounts of bench/lib/import-data.ts: customer number 9000000 + i. */
const firstCustomer = 9_000_000;

export interface NoticesSeed {
  readonly accounts: number;
  readonly bills: number;
  readonly billsPerAccount: number;
  /** The bills' availability date: today, so every one of them is due today. */
  readonly availableOn: string;
  readonly timings: { readonly accountsMs: number; readonly profilesMs: number; readonly billsMs: number };
}

export const customerNumberOf = (i: number) => String(firstCustomer + i);
export const emailOf = (customerNumber: string) => `client.${customerNumber}@example.com`;

type Target = ReturnType<typeof localTargetAt>;

async function writeLines(file: string, header: string, count: number, line: (i: number) => string) {
  const out = createWriteStream(file, { encoding: "utf8" });
  out.write(`${header}\n`);
  for (let start = 0; start < count; start += 1000) {
    const lines: string[] = [];
    for (let i = start; i < Math.min(count, start + 1000); i++) lines.push(line(i));
    if (!out.write(`${lines.join("\n")}\n`)) await once(out, "drain");
  }
  out.end();
  await once(out, "finish");
}

/**
 * An ACTIVE profile with electronic billing, as the confirmation leaves it (activated 60 days ago),
 * with the attributes an enrollment writes, so the items are the size production reads.
 */
function profileItem(customerNumber: string, i: number, now: Date): Record<string, unknown> {
  const activatedAt = new Date(now.getTime() - 60 * 86_400_000).toISOString();
  const email = emailOf(customerNumber);
  const enrollmentId = `00000000-0000-4000-8000-${String(i).padStart(12, "0")}`;
  return {
    customerNumber,
    status: "ACTIVE",
    billing: "electronic",
    email,
    language: i % 3 === 0 ? "en" : "fr",
    activatedAt,
    electronicSince: activatedAt,
    emailVerified: true,
    enrollmentId,
    lockOwner: `10000000-0000-4000-8000-${String(i).padStart(12, "0")}`,
    lockedUntil: 0,
    confirmationTokenHash: "b".repeat(64),
    completedEnrollmentId: enrollmentId,
    completedEnrollments: new Set([enrollmentId]),
    cognitoEmails: new Set([email]),
    emailSentFor: enrollmentId,
    updatedAt: activatedAt,
  };
}

/** Puts items `concurrency` batches of 25 at a time; fails on any item left unprocessed. */
async function putAll(target: Target, table: string, items: readonly Record<string, unknown>[]) {
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const start = next;
      next += BATCH_SIZE;
      const result = await putBatch(target.client, table, items.slice(start, start + BATCH_SIZE));
      if (result.unprocessed.length > 0)
        throw new Error(`notices seed: ${result.unprocessed.length} profiles left unprocessed`);
    }
  };
  await Promise.all(Array.from({ length: 4 }, worker));
}

/**
 * Seeds `bills` eligible bills over `bills / billsPerAccount` accounts: the accounts and the bills
 * through the importer (importBillingFile: the items production holds, the pending-notices index
 * set by the importer), the ACTIVE electronic profiles straight into the Profiles table. Every bill
 * is billed `noticeDelayDays` ago, so it becomes available today, and is not in credit.
 */
export async function seedNotices(options: {
  readonly target: Target;
  readonly profilesTable: string;
  readonly dir: string;
  readonly bills: number;
  readonly billsPerAccount: number;
  readonly today: string;
  readonly now: Date;
}): Promise<NoticesSeed> {
  const { target, billsPerAccount } = options;
  const accounts = Math.ceil(options.bills / billsPerAccount);
  const billingDate = addDays(options.today, -target.noticeDelayDays);
  const dueDate = addDays(billingDate, 21);

  let started = performance.now();
  const accountsFile = join(options.dir, "notices-accounts.csv");
  await writeAccountsCsv(accountsFile, accounts);
  const accountsResult = await importBillingFile({ kind: "accounts", file: accountsFile, target });
  if (accountsResult.imported !== accounts || accountsResult.rejected !== 0)
    throw new Error(`notices seed: accounts ${JSON.stringify(accountsResult)}, expected ${accounts}`);
  const accountsMs = performance.now() - started;

  started = performance.now();
  const profiles = Array.from({ length: accounts }, (_, i) =>
    profileItem(customerNumberOf(i), i, options.now),
  );
  await putAll(target, options.profilesTable, profiles);
  const profilesMs = performance.now() - started;

  started = performance.now();
  const billsFile = join(options.dir, "notices-bills.csv");
  const header = [...billingFiles.bills.columns, ...billingFiles.bills.optionalLastColumns].join(",");
  await writeLines(billsFile, header, options.bills, (b) => {
    const i = b % accounts;
    const customerNumber = customerNumberOf(i);
    const billId = `F${billingDate.replaceAll("-", "")}-${Math.floor(b / accounts) + 1}`;
    const amount = `${(b % 250) + 20}.${String((b * 7) % 100).padStart(2, "0")}`;
    return [
      billId,
      customerNumber,
      billingDate,
      dueDate,
      amount,
      amount,
      `bills/${customerNumber}/${billId}.pdf`,
    ].join(",");
  });
  const billsResult = await importBillingFile({ kind: "bills", file: billsFile, target });
  if (billsResult.imported !== options.bills || billsResult.rejected !== 0)
    throw new Error(`notices seed: bills ${JSON.stringify(billsResult)}, expected ${options.bills}`);
  const billsMs = performance.now() - started;

  return {
    accounts,
    bills: options.bills,
    billsPerAccount,
    availableOn: options.today,
    timings: { accountsMs, profilesMs, billsMs },
  };
}
