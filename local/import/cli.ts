import { MultiBar, Presets } from "cli-progress";
import { isBillingFileKind } from "../../lambdas/domain/billing-records";
import { UnknownStageError } from "../../lib/config/stages";
import { ImportFileError, importBillingFile, summaryLine } from "./import-file";
import { localTarget, stageTarget } from "./target";

const USAGE = "usage: npm run import -- accounts|bills|contracts FILE.csv [--stage NAME] [--dry-run]";

interface Args {
  kind: "accounts" | "bills" | "contracts";
  file: string;
  stage?: string;
  dryRun: boolean;
}

class UsageError extends Error {}

export function parseArgs(argv: readonly string[]): Args {
  const positional: string[] = [];
  let stage: string | undefined;
  let dryRun = false;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    if (arg === "--dry-run") dryRun = true;
    else if (arg === "--stage") {
      stage = argv[++i];
      if (!stage) throw new UsageError("--stage needs a stage name");
    } else if (arg.startsWith("--stage=")) stage = arg.slice("--stage=".length);
    else if (arg.startsWith("-")) throw new UsageError(`unknown option ${arg}`);
    else positional.push(arg);
  }
  const [kind, file, ...rest] = positional;
  if (!kind || !file || rest.length > 0) throw new UsageError("name the kind of file and the file");
  if (!isBillingFileKind(kind)) throw new UsageError(`unknown kind "${kind}"`);
  return { kind, file, dryRun, ...(stage ? { stage } : {}) };
}

async function main(): Promise<number> {
  let args: Args;
  try {
    args = parseArgs(process.argv.slice(2));
  } catch (error) {
    process.stderr.write(`import: ${(error as Error).message}\n${USAGE}\n`);
    return 2;
  }
  const target = args.stage ? await stageTarget(args.stage) : localTarget();
  const showBar = Boolean(process.stderr.isTTY) && !process.env.CI;
  const bars = showBar
    ? new MultiBar(
        {
          format: " {bar} {percentage}% | {value}/{total} KiB | {eta_formatted} left",
          hideCursor: true,
          clearOnComplete: true,
        },
        Presets.shades_classic,
      )
    : null;
  const bar = bars?.create(1, 0);
  const say = (line: string) => (bars ? bars.log(`${line}\n`) : process.stderr.write(`${line}\n`));
  try {
    const summary = await importBillingFile({
      kind: args.kind,
      file: args.file,
      target,
      dryRun: args.dryRun,
      onRejected: (row) => say(`line ${row.line}, ${row.field}: ${row.reason}`),
      onWarning: (message) => say(`warning: ${message}`),
      onProgress: (read, total) => {
        bar?.setTotal(Math.max(1, Math.ceil(total / 1024)));
        bar?.update(Math.ceil(read / 1024));
      },
    });
    bars?.stop();
    process.stdout.write(`${summaryLine(summary, { dryRun: args.dryRun })}\n`);
    return summary.rejected === 0 ? 0 : 1;
  } finally {
    bars?.stop();
    target.close();
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    if (error instanceof ImportFileError) {
      process.stderr.write(`import: ${error.message}\n`);
      process.stdout.write(`${summaryLine(error.summary)}\n`);
    } else if (error instanceof UnknownStageError) {
      process.stderr.write(`import: ${error.message}\n`);
    } else {
      process.stderr.write(
        `import: unexpected failure: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
      );
    }
    process.exit(1);
  },
);
