import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import type { BillingFileKind } from "../../lambdas/domain/billing-records";
import { dateInTimeZone } from "../../lambdas/domain/dates";
import { type ImportSummary, type ImportTarget, importBillingFile } from "../import/import-file";
import { demoBillsCsv } from "./demo-bills";

const demoDir = dirname(fileURLToPath(import.meta.url));

/**
 * The demo files, in the order they must be imported (bills and contracts need their accounts).
 * Bills are written for the day of the run (`demo-bills.ts`); accounts and contracts are dateless
 * or dated in the past for good.
 */
const demoFiles = (billsFile: string): readonly { kind: BillingFileKind; file: string }[] => [
  { kind: "accounts", file: join(demoDir, "accounts.csv") },
  { kind: "bills", file: billsFile },
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
  const dir = mkdtempSync(join(tmpdir(), "demo-bills-"));
  const billsFile = join(dir, "bills.csv");
  writeFileSync(billsFile, demoBillsCsv(today, target.noticeDelayDays));
  try {
    const out = {} as Record<BillingFileKind, ImportSummary>;
    for (const { kind, file } of demoFiles(billsFile)) {
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
    return out;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
