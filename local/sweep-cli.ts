import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { maskCustomerNumber } from "../lambdas/adapters/observability";
import { sweepLocalEnrollments } from "./enrollment-sweep";
import { localDir } from "./settings";
import type { Endpoints } from "./stack";

/**
 * `npm run sweep`: expires, now, the unconfirmed enrollments of the running local stack that began
 * 24 hours ago or more (`npm start` also runs it at start and every hour).
 */
async function main(): Promise<number> {
  if (process.argv.length > 2) {
    process.stderr.write(`sweep: unknown option ${process.argv.slice(2).join(" ")}\nusage: npm run sweep\n`);
    return 2;
  }
  const file = join(localDir, "endpoints.json");
  if (!existsSync(file)) {
    process.stderr.write(
      "sweep: the local stack is not running (no .local/endpoints.json): start it with `npm start`\n",
    );
    return 1;
  }
  const endpoints = JSON.parse(readFileSync(file, "utf8")) as Endpoints;
  const summary = await sweepLocalEnrollments(endpoints, {
    onError: (customerNumber, error) =>
      process.stderr.write(
        `sweep: account ${maskCustomerNumber(customerNumber)} failed: ${error instanceof Error ? error.message : String(error)}\n`,
      ),
  });
  process.stdout.write(`expired ${summary.expired}, kept ${summary.kept}, failed ${summary.failed}\n`);
  return summary.failed > 0 ? 1 : 0;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    if (/ECONNREFUSED/.test(String(error)) || (error as { name?: string })?.name === "ECONNREFUSED") {
      process.stderr.write("sweep: the local stack does not answer: start it with `npm start`\n");
    } else {
      process.stderr.write(
        `sweep: unexpected failure: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
      );
    }
    process.exit(1);
  },
);
