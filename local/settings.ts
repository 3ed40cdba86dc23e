import { resolve } from "node:path";

/** Where the local stack keeps its data, logs and the endpoints file (gitignored). */
export const localDir = resolve(process.env.LOCAL_DIR ?? ".local");

export interface LocalPorts {
  readonly api: number;
  readonly dynamodb: number;
  readonly cognito: number;
  readonly ses: number;
  /** The reference website: its origin is the API's CORS origin and the links' base URL. */
  readonly web: number;
}

/** The port variables of the contract (section 3), each with its default. */
export const portVariables = {
  api: { variable: "PORT", default: 3000 },
  dynamodb: { variable: "DYNAMODB_PORT", default: 8000 },
  cognito: { variable: "COGNITO_PORT", default: 9229 },
  ses: { variable: "SES_PORT", default: 8005 },
  web: { variable: "WEB_PORT", default: 5173 },
} as const satisfies Record<keyof LocalPorts, { variable: string; default: number }>;

export class SettingsError extends Error {}

export function portsFromEnv(source: NodeJS.ProcessEnv = process.env): LocalPorts {
  const read = (key: keyof LocalPorts): number => {
    const { variable, default: fallback } = portVariables[key];
    const raw = source[variable];
    if (raw === undefined || raw === "") return fallback;
    const port = Number(raw);
    if (!Number.isInteger(port) || port < 1 || port > 65535) {
      throw new SettingsError(`${variable}=${raw} is not a port number (1-65535).`);
    }
    return port;
  };
  return {
    api: read("api"),
    dynamodb: read("dynamodb"),
    cognito: read("cognito"),
    ses: read("ses"),
    web: read("web"),
  };
}

/** Table names and the user pool name locally: the same definitions, with a "local" prefix. */
export const LOCAL_PREFIX = "enrollment-local";
export const LOCAL_REGION = "ca-central-1";
/** DynamoDB Local and the emulators accept any credentials; these make the SDK never look further. */
export const LOCAL_CREDENTIALS = { accessKeyId: "local", secretAccessKey: "local" } as const;

/** The sender of every e-mail of the local stack (the handlers' SES_FROM_ADDRESS, and the CLIs'). */
export const LOCAL_SES_FROM = "Cablevision <no-reply@example.com>";
