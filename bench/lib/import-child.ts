/**
 * One importer run in a fresh process, for its peak memory: imports an accounts CSV through
 * `importBillingFile` into DynamoDB Local and prints one result line with the process's peak RSS.
 *
 *   node --import tsx bench/lib/import-child.ts FILE.csv DYNAMODB_ENDPOINT STACK_DIR
 *
 * STACK_DIR is the local stack's directory, where its pepper file is.
 */
import { importBillingFile } from "../../local/import/import-file";
import { localTargetAt } from "../../local/import/target";
import { readLocalPepper } from "../../local/pepper-file";
import { type ImportChildResult, importChildMarker } from "./import-memory";

async function main(): Promise<void> {
  const [file, endpoint, stackDir] = process.argv.slice(2);
  if (!file || !endpoint || !stackDir) throw new Error("usage: import-child.ts FILE.csv ENDPOINT STACK_DIR");
  const target = localTargetAt(endpoint, readLocalPepper(stackDir));
  try {
    const rssBeforeKiB = Math.round(process.memoryUsage().rss / 1024);
    const started = performance.now();
    const summary = await importBillingFile({ kind: "accounts", file, target });
    const wallMs = performance.now() - started;
    const result: ImportChildResult = {
      ...summary,
      wallMs,
      rssBeforeKiB,
      maxRssKiB: process.resourceUsage().maxRSS,
      heapUsedEndKiB: Math.round(process.memoryUsage().heapUsed / 1024),
    };
    process.stdout.write(`${importChildMarker}${JSON.stringify(result)}\n`);
  } finally {
    target.close();
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? (error.stack ?? error.message) : error);
  process.exitCode = 1;
});
