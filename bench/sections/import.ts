import { mkdtemp, rm } from "node:fs/promises";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { GetCommand } from "@aws-sdk/lib-dynamodb";
import { BATCH_SIZE, putBatch } from "../../lambdas/adapters/batch-writer";
import { type AccountItem, accountItem } from "../../lambdas/adapters/billing-items";
import { freeLocalPorts } from "../../local/emulators/process";
import { importBillingFile } from "../../local/import/import-file";
import { localTargetAt } from "../../local/import/target";
import { readLocalPepper } from "../../local/pepper-file";
import { startLocalStack } from "../../local/stack";
import { parseAccountsCsv, writeAccountsCsv } from "../lib/import-data";
import { type ImportChildResult, runImportChild } from "../lib/import-memory";
import { ratio, round, type Summary, summarize } from "../lib/stats";
import { renderTable } from "../lib/table";
import type { BenchContext, Section } from "../section";

/** The issue's figures: 100,000 rows timed; peak memory at 10,000 and 100,000 rows. */
const largeRows = 100_000;
const smallRows = 10_000;
/** importBillingFile's default `concurrency` (batches in flight), passed explicitly so the floor matches. */
const concurrency = 4;
/**
 * Timed rounds after the warm-up pass. Each round times the importer and the floor once, in
 * alternating order, so that neither always runs first on a JVM that is still settling.
 */
const rounds = 2;
/** Targets from the issue. */
const minThroughputRatio = 0.8;
const maxMemoryRatio = 1.5;
/** A pass of 100,000 rows takes seconds; past this, something hangs: fail rather than wait. */
const passTimeoutMs = 180_000;
/** Keys read back after the first importer pass, to check it wrote the floor's items. */
const checkedRows = [0, 1, 12_345, largeRows - 1];

interface Pass {
  readonly wallMs: number;
  readonly rowsPerSecond: number;
  /**
   * CPU time of this process (user + system) during the pass. DynamoDB Local shares the same cores,
   * so what the importer spends here is taken from the database.
   */
  readonly cpuMs: number;
}

/** One timed pass, bounded by `passTimeoutMs`. */
async function timed<T>(
  rows: number,
  label: string,
  work: () => Promise<T>,
): Promise<{ result: T; pass: Pass }> {
  const cpu = process.cpuUsage();
  const started = performance.now();
  const result = await withTimeout(work(), passTimeoutMs, label);
  const wallMs = performance.now() - started;
  const used = process.cpuUsage(cpu);
  return {
    result,
    pass: {
      wallMs: round(wallMs),
      rowsPerSecond: perSecond(rows, wallMs),
      cpuMs: round((used.user + used.system) / 1000, 0),
    },
  };
}

function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, fail) => {
    timer = setTimeout(() => fail(new Error(`${what} took more than ${ms / 1000} s`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/**
 * The floor: the items, already built, put by plain BatchWriteItem calls of 25 (`putBatch`, which
 * only adds the UnprocessedItems retry) with `concurrency` calls in flight, no parsing, no hashing.
 */
async function floorPass(
  target: ReturnType<typeof localTargetAt>,
  items: readonly AccountItem[],
): Promise<{ unprocessed: number }> {
  let next = 0;
  let unprocessed = 0;
  const worker = async () => {
    // Each turn takes the next 25 items: ends once every item is taken.
    while (next < items.length) {
      const start = next;
      next += BATCH_SIZE;
      const batch = items.slice(start, start + BATCH_SIZE) as unknown as Record<string, unknown>[];
      const result = await putBatch(target.client, target.tables.accounts, batch);
      unprocessed += result.unprocessed.length;
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  return { unprocessed };
}

/** Same attributes, same values (account items hold only strings and numbers). */
function sameItem(actual: Record<string, unknown> | undefined, expected: AccountItem): boolean {
  if (!actual) return false;
  const keys = Object.keys(expected) as (keyof AccountItem)[];
  return Object.keys(actual).length === keys.length && keys.every((k) => actual[k] === expected[k]);
}

const perSecond = (rows: number, ms: number) => round(rows / (ms / 1000), 0);
const fmtRate = (s: Summary) =>
  `${Math.round(s.median).toLocaleString("en-US")} (${Math.round(s.min).toLocaleString("en-US")}–${Math.round(s.max).toLocaleString("en-US")})`;
const mib = (kib: number) => (kib / 1024).toFixed(1);
const verdict = (ok: boolean) => (ok ? "met" : "NOT met");

export const section: Section = {
  name: "import",
  title: `Accounts import of ${largeRows.toLocaleString("en-US")} rows into DynamoDB Local, against plain BatchWriteItem`,
  async run(context: BenchContext) {
    const work = await mkdtemp(join(tmpdir(), "bench-import-"));
    const stackDir = join(work, "stack");
    const largeFile = join(work, `accounts-${largeRows}.csv`);
    const smallFile = join(work, `accounts-${smallRows}.csv`);
    const warnings: string[] = [];
    const savedEnv = { ...process.env };
    const loadBefore = loadavg().map((l) => round(l));
    let stack: Awaited<ReturnType<typeof startLocalStack>> | undefined;
    try {
      context.progress(`import: writing ${largeRows} and ${smallRows} account rows`);
      await writeAccountsCsv(largeFile, largeRows);
      await writeAccountsCsv(smallFile, smallRows);

      const ports = await freeLocalPorts();
      stack = await startLocalStack({
        ports,
        dir: stackDir,
        persist: false,
        serveApi: false,
        onProgress: (step) => context.progress(`import: ${step}`),
      });
      // The stack names localhost; the bench talks to 127.0.0.1 only.
      const endpoint = `http://127.0.0.1:${ports.dynamodb}`;
      const pepper = readLocalPepper(stackDir);

      context.progress("import: parsing and hashing the floor's items (not timed)");
      const records = await parseAccountsCsv(largeFile);
      const now = new Date();
      const items = records.map((r) => accountItem(r, pepper, now));
      // The warm-up writes the same items with another date, so that the read-back after the first
      // importer pass can tell the importer's items from the warm-up's.
      const earlier = new Date(now.getTime() - 86_400_000).toISOString();
      const warmUpItems = items.map((item) => ({ ...item, importedAt: earlier }));

      const target = localTargetAt(endpoint, pepper);
      const importer: Pass[] = [];
      const floor: Pass[] = [];
      const order: string[] = [];
      let warmUp: Pass | undefined;
      try {
        const timeFloor = async (batch: readonly AccountItem[], label: string): Promise<Pass> => {
          const { result, pass } = await timed(batch.length, label, () => floorPass(target, batch));
          if (result.unprocessed > 0) warnings.push(`${label}: ${result.unprocessed} items left unprocessed`);
          return pass;
        };
        const timeImporter = async (label: string): Promise<Pass> => {
          const { result, pass } = await timed(largeRows, label, () =>
            importBillingFile({ kind: "accounts", file: largeFile, target, concurrency, now }),
          );
          if (result.imported !== largeRows || result.rejected !== 0 || result.duplicates.length !== 0) {
            warnings.push(`${label}: ${JSON.stringify(result)}, expected ${largeRows} imported`);
          }
          return pass;
        };

        // Warm-up (discarded): fills the table, so that every timed pass overwrites the same
        // 100,000 items, and lets DynamoDB Local's JVM compile its hot paths.
        context.progress("import: warm-up pass (floor, discarded)");
        warmUp = await timeFloor(warmUpItems, "warm-up");
        order.push("warm-up floor");

        for (let r = 1; r <= rounds; r++) {
          const importerFirst = r % 2 === 1;
          for (const which of importerFirst ? ["importer", "floor"] : ["floor", "importer"]) {
            context.progress(`import: round ${r}/${rounds}, ${which}`);
            if (which === "importer") {
              importer.push(await timeImporter(`importer round ${r}`));
              if (importer.length === 1) {
                // The importer wrote exactly the floor's items (same `now`), over the warm-up's.
                for (const i of checkedRows) {
                  const expected = items[i] as AccountItem;
                  const { Item } = await target.client.send(
                    new GetCommand({
                      TableName: target.tables.accounts,
                      Key: { customerNumber: expected.customerNumber },
                    }),
                  );
                  if (!sameItem(Item, expected)) {
                    warnings.push(
                      `row ${i}: the importer's item differs from the floor's: ${JSON.stringify(Item)}`,
                    );
                  }
                }
              }
            } else {
              floor.push(await timeFloor(items, `floor round ${r}`));
            }
            order.push(which);
          }
        }
      } finally {
        target.close();
      }

      context.progress(`import: peak memory, fresh process, ${smallRows} rows`);
      const small: ImportChildResult = await runImportChild({
        root: context.root,
        file: smallFile,
        endpoint,
        stackDir,
        timeoutMs: passTimeoutMs,
      });
      context.progress(`import: peak memory, fresh process, ${largeRows} rows`);
      const large: ImportChildResult = await runImportChild({
        root: context.root,
        file: largeFile,
        endpoint,
        stackDir,
        timeoutMs: passTimeoutMs,
      });
      for (const [rows, child] of [
        [smallRows, small],
        [largeRows, large],
      ] as const) {
        if (child.imported !== rows || child.rejected !== 0) {
          warnings.push(`memory child ${rows}: imported ${child.imported}, rejected ${child.rejected}`);
        }
      }

      const importerRate = summarize(importer.map((p) => p.rowsPerSecond));
      const floorRate = summarize(floor.map((p) => p.rowsPerSecond));
      const throughputRatio = ratio(importerRate.median, floorRate.median);
      const memoryRatio = ratio(large.maxRssKiB, small.maxRssKiB);
      const throughputMet = throughputRatio >= minThroughputRatio;
      const loadAfter = loadavg().map((l) => round(l));
      const cpuMedian = (passes: readonly Pass[]) => summarize(passes.map((p) => p.cpuMs)).median;
      const memoryMet = memoryRatio <= maxMemoryRatio;

      console.log(
        renderTable(
          [
            { header: "rows", align: "right" },
            { header: "C", align: "right" },
            { header: "importer rows/s", align: "right" },
            { header: "floor rows/s", align: "right" },
            { header: "ratio", align: "right" },
            { header: "target", align: "right" },
            { header: "", align: "left" },
          ],
          [
            [
              largeRows.toLocaleString("en-US"),
              String(concurrency),
              fmtRate(importerRate),
              fmtRate(floorRate),
              throughputRatio.toFixed(2),
              `≥ ${minThroughputRatio}`,
              verdict(throughputMet),
            ],
          ],
        ),
      );
      console.log();
      console.log(
        renderTable(
          [
            { header: "peak RSS", align: "left" },
            { header: `${smallRows.toLocaleString("en-US")} rows MiB`, align: "right" },
            { header: `${largeRows.toLocaleString("en-US")} rows MiB`, align: "right" },
            { header: "ratio", align: "right" },
            { header: "target", align: "right" },
            { header: "", align: "left" },
          ],
          [
            [
              "maxRSS",
              mib(small.maxRssKiB),
              mib(large.maxRssKiB),
              memoryRatio.toFixed(2),
              `≤ ${maxMemoryRatio}`,
              verdict(memoryMet),
            ],
            ["RSS before import", mib(small.rssBeforeKiB), mib(large.rssBeforeKiB), "", "", ""],
            [
              "maxRSS − RSS before",
              mib(small.maxRssKiB - small.rssBeforeKiB),
              mib(large.maxRssKiB - large.rssBeforeKiB),
              ratio(large.maxRssKiB - large.rssBeforeKiB, small.maxRssKiB - small.rssBeforeKiB).toFixed(2),
              "",
              "",
            ],
          ],
        ),
      );
      console.log(
        `\nrows/s: median (min–max) of ${rounds} passes each, after one discarded warm-up pass; order ` +
          `${order.join(" → ")}. Same table, every pass overwrites the same ${largeRows.toLocaleString("en-US")} ` +
          `items. Floor = the same items, built beforehand (no parsing, no hashing), put by BatchWriteItem ` +
          `calls of ${BATCH_SIZE} with ${concurrency} in flight. Peak RSS: one fresh process per file ` +
          `(node --import tsx), the importer with its default concurrency.\n` +
          `CPU of this process per pass (median): importer ${(cpuMedian(importer) / 1000).toFixed(1)} s, ` +
          `floor ${(cpuMedian(floor) / 1000).toFixed(1)} s; DynamoDB Local runs on the same cores. ` +
          `Load average (1, 5, 15 min) ${loadBefore.join(", ")} before, ${loadAfter.join(", ")} after.`,
      );
      if (warnings.length > 0) console.log(`\nWarnings:\n${warnings.map((w) => `  ${w}`).join("\n")}`);

      return {
        rows: largeRows,
        concurrency,
        rounds,
        order,
        loadAverage: { before: loadBefore, after: loadAfter },
        warmUp,
        importer: { passes: importer, rowsPerSecond: importerRate },
        floor: { passes: floor, rowsPerSecond: floorRate },
        throughputRatio,
        throughputTarget: minThroughputRatio,
        throughputMet,
        memory: {
          small: { rows: smallRows, ...small },
          large: { rows: largeRows, ...large },
          ratio: memoryRatio,
          target: maxMemoryRatio,
          met: memoryMet,
        },
        warnings,
      };
    } finally {
      if (stack) await stack.stop();
      // startLocalStack sets the handlers' environment on this process: put the runner's back.
      for (const key of Object.keys(process.env)) if (!(key in savedEnv)) delete process.env[key];
      Object.assign(process.env, savedEnv);
      await rm(work, { recursive: true, force: true });
    }
  },
};
