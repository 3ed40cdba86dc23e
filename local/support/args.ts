/** The support CLI's command line (contract §8). Bad usage is exit code 2. */

export const USAGE = "usage: npm run support -- status|unlock|revoke CUSTOMER [--stage NAME] [--json]";
export const COMMANDS = ["status", "unlock", "revoke"] as const;
export type Command = (typeof COMMANDS)[number];

export class UsageError extends Error {}

export interface Args {
  readonly command: Command;
  readonly customerNumber: string;
  readonly stage?: string;
  readonly json: boolean;
}

export function parseSupportArgs(argv: readonly string[]): Args {
  const positional: string[] = [];
  let stage: string | undefined;
  let json = false;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    if (arg === "--json") json = true;
    else if (arg === "--stage" || arg.startsWith("--stage=")) {
      stage = arg === "--stage" ? argv[++i] : arg.slice("--stage=".length);
      if (!stage) throw new UsageError("--stage needs a stage name");
    } else if (arg.startsWith("-")) throw new UsageError(`unknown option ${arg}`);
    else positional.push(arg);
  }
  const [command, customerNumber, ...extra] = positional;
  if (!command) throw new UsageError("a command is needed");
  if (!(COMMANDS as readonly string[]).includes(command)) throw new UsageError(`unknown command ${command}`);
  if (!customerNumber) throw new UsageError(`${command} needs a customer number`);
  if (!/^\d{7}$/.test(customerNumber))
    throw new UsageError(`a customer number is 7 digits, got ${customerNumber}`);
  if (extra.length) throw new UsageError(`unexpected ${extra.join(" ")}`);
  return { command: command as Command, customerNumber, ...(stage ? { stage } : {}), json };
}
