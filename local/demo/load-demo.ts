import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import type { BillingFileKind } from "../../lambdas/domain/billing-records";
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
export async function loadDemoData(target: ImportTarget): Promise<Record<BillingFileKind, ImportSummary>> {
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
  return out;
}
