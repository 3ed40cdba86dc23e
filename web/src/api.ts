import type { ErrorCode } from "../../lambdas/definitions/error-codes";
import type { WebConfig } from "./config";
import { currentLanguage, locale, t } from "./i18n";

/** A refusal of the API, with its own message (which names the support phone where it helps). */
export class ApiFailure extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly code: ErrorCode | "UNREACHABLE",
    readonly fields: readonly string[] = [],
    /** Seconds to wait, from `Retry-After` (exposed to the page by the API's CORS headers). */
    readonly retryAfterSeconds?: number,
  ) {
    super(message);
  }

  /** The message for the customer, with when to try again when the API said so. */
  describe(): string {
    if (this.retryAfterSeconds === undefined) return this.message;
    const at = new Date(Date.now() + this.retryAfterSeconds * 1000);
    const time = new Intl.DateTimeFormat(locale(), { timeStyle: "short" }).format(at);
    return `${this.message} ${t().retryAt(time, Math.max(1, Math.ceil(this.retryAfterSeconds / 60)))}`;
  }
}

interface ErrorBody {
  error?: { code?: ErrorCode; message?: string; fields?: { field: string }[] };
}

export interface ApiAnswer<T> {
  readonly status: number;
  readonly body: T;
  readonly headers: Headers;
}

/** Calls the API in the visitor's language; any status of 400 and over becomes an ApiFailure. */
export async function callApi<T>(
  config: WebConfig,
  method: string,
  path: string,
  options: { body?: unknown; token?: string } = {},
): Promise<ApiAnswer<T>> {
  const headers: Record<string, string> = { "Accept-Language": currentLanguage() };
  if (options.body !== undefined) headers["Content-Type"] = "application/json";
  if (options.token) headers.Authorization = `Bearer ${options.token}`;
  let response: Response;
  try {
    response = await fetch(`${config.apiUrl}${path}`, {
      method,
      headers,
      ...(options.body !== undefined ? { body: JSON.stringify(options.body) } : {}),
      // The API answers no-store; the page never shows an old answer either.
      cache: "no-store",
    });
  } catch {
    // Offline, or refused by CORS (the browser hides which): the page cannot say more than this.
    throw new ApiFailure(0, t().unreachable(config.supportPhone), "UNREACHABLE");
  }
  const text = await response.text();
  const parsed: unknown = text ? safeJson(text) : undefined;
  if (response.status >= 400) {
    const error = (parsed as ErrorBody | undefined)?.error;
    const retryAfter = Number(response.headers.get("Retry-After") ?? Number.NaN);
    throw new ApiFailure(
      response.status,
      error?.message ?? t().unreachable(config.supportPhone),
      error?.code ?? "UNREACHABLE",
      (error?.fields ?? []).map((f) => f.field),
      Number.isFinite(retryAfter) && retryAfter > 0 ? retryAfter : undefined,
    );
  }
  return { status: response.status, body: parsed as T, headers: response.headers };
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
