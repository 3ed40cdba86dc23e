import { supportRevoke } from "../../lambdas/domain/support/revoke";
import { supportStatus } from "../../lambdas/domain/support/status";
import { supportUnlock } from "../../lambdas/domain/support/unlock";
import { StageOutputsError } from "../stage-outputs";
import { type Args, parseSupportArgs, USAGE } from "./args";
import { formatStatus } from "./format";
import { localSupportTarget, type SupportTarget, stageSupportTarget, TargetError } from "./target";

type Result =
  | { readonly code: 0; readonly json: Record<string, unknown>; readonly text: string }
  | { readonly code: 1; readonly error: string; readonly message: string };

async function run(args: Args, target: SupportTarget): Promise<Result> {
  const unknown = {
    code: 1,
    error: "UNKNOWN_CUSTOMER",
    message: `no account ${args.customerNumber} in the ${target.where}`,
  } as const;
  switch (args.command) {
    case "status": {
      const result = await supportStatus(args.customerNumber, target);
      if (result.outcome === "unknown-customer") return unknown;
      return { code: 0, json: { ...result.status }, text: formatStatus(result.status) };
    }
    case "unlock": {
      const result = await supportUnlock(args.customerNumber, target);
      if (result.outcome === "unknown-customer") return unknown;
      return {
        code: 0,
        json: { customerNumber: args.customerNumber, unlocked: true },
        text: `${args.customerNumber}: failures and lockout cleared; the customer may verify again now\n`,
      };
    }
    case "revoke": {
      const result = await supportRevoke(args.customerNumber, target);
      if (result.outcome === "unknown-customer") return unknown;
      const told = result.told.length > 0 ? `told ${result.told.join(" and ")}` : "nobody to tell";
      return {
        code: 0,
        json: {
          customerNumber: args.customerNumber,
          revoked: true,
          removed: result.removed,
          told: result.told,
        },
        text: result.removed
          ? `${args.customerNumber}: profile revoked (Cognito user deleted, paper bills, tokens refused), failures and lockout cleared; ${told}\n`
          : `${args.customerNumber}: no online profile to revoke; failures and lockout cleared\n`,
      };
    }
  }
}

/** `npm run support`: the support desk's tool, locally or on a deployed stage (contract §8). */
async function main(argv: readonly string[]): Promise<number> {
  let args: Args;
  try {
    args = parseSupportArgs(argv);
  } catch (error) {
    process.stderr.write(`support: ${(error as Error).message}\n${USAGE}\n`);
    return 2;
  }
  const fail = (error: string, message: string) => {
    if (args.json)
      process.stdout.write(`${JSON.stringify({ ok: false, command: args.command, error, message })}\n`);
    process.stderr.write(`support: ${message}\n`);
    return 1;
  };
  let target: SupportTarget;
  try {
    target = args.stage ? await stageSupportTarget(args.stage) : localSupportTarget();
  } catch (error) {
    if (
      error instanceof TargetError ||
      error instanceof StageOutputsError ||
      (error as Error).name === "UnknownStageError"
    ) {
      return fail("NO_TARGET", (error as Error).message);
    }
    throw error;
  }
  try {
    const result = await run(args, target);
    if (result.code !== 0) return fail(result.error, result.message);
    process.stdout.write(
      args.json ? `${JSON.stringify({ ok: true, command: args.command, ...result.json })}\n` : result.text,
    );
    return 0;
  } catch (error) {
    const reason =
      /ECONNREFUSED/.test(String(error)) || (error as Error).name === "ECONNREFUSED"
        ? `the ${target.where} does not answer${args.stage ? "" : ": start it with `npm start`"}`
        : `${args.command} failed: ${error instanceof Error ? `${error.name}: ${error.message}` : String(error)}`;
    return fail("FAILED", reason);
  } finally {
    target.close();
  }
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(
      `support: unexpected failure: ${error instanceof Error ? error.message : String(error)}\n`,
    );
    process.exit(1);
  },
);
