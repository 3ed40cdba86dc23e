import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import type { BillingFileKind } from "../../lambdas/domain/billing-records";
import { addDays, dateInTimeZone } from "../../lambdas/domain/dates";
import { type ImportSummary, type ImportTarget, importBillingFile } from "../import/import-file";

const demoDir = dirname(fileURLToPath(import.meta.url));

/** The demo files, in the order they must be imported (bills and contracts need their accounts). */
export const demoFiles: readonly { kind: BillingFileKind; file: string }[] = [
  { kind: "accounts", file: join(demoDir, "accounts.csv") },
  { kind: "bills", file: join(demoDir, "bills.csv") },
  { kind: "contracts", file: join(demoDir, "contracts.csv") },
];

/**
 * Loads the demo customers through the same import code operators use. Re-running it is harmless
 * (idempotent upserts); a refused row is a defect in the demo files, so it throws.
 */
export async function loadDemoData(
  target: ImportTarget,
  today = dateInTimeZone(new Date()),
): Promise<Record<BillingFileKind, ImportSummary>> {
  const out = {} as Record<BillingFileKind, ImportSummary>;
  for (const { kind, file } of demoFiles) {
    const problems: string[] = [];
    const summary = await importBillingFile({
      kind,
      file,
      target,
      onRejected: (r) => problems.push(`line ${r.line}, ${r.field}: ${r.reason}`),
    });
    if (problems.length > 0) throw new Error(`demo ${kind}.csv: ${problems.join("; ")}`);
    out[kind] = summary;
  }
  await importCurrentBill(target, today);
  return out;
}

/**
 * This cycle's bill of the enrolled demo customer, dated so that it becomes available today: run
 * `npm run notices` and its "your bill is available" e-mail lands in the mailbox.
 */
async function importCurrentBill(target: ImportTarget, today: string): Promise<void> {
  const billingDate = addDays(today, -target.noticeDelayDays);
  const dir = mkdtempSync(join(tmpdir(), "demo-bill-"));
  try {
    const file = join(dir, "bills.csv");
    writeFileSync(
      file,
      `billId,customerNumber,billingDate,dueDate,amountDue,balance\nB-${billingDate}-9900005,9900005,${billingDate},${addDays(billingDate, 21)},61.80,61.80\n`,
    );
    const summary = await importBillingFile({ kind: "bills", file, target });
    if (summary.rejected > 0) throw new Error("demo: the current bill was rejected");
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
