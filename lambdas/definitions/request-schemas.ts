import * as z from "zod/mini";
import { parseCents } from "../domain/money";
import { ACCESS_CODE, CUSTOMER_NUMBER, normalizePhone, normalizePostalCode } from "../domain/normalize";
import { MAX_BILLS_CURSOR_LENGTH } from "./limits";

/**
 * What a client sends the API (bodies and query strings): the handlers' only validation, and with
 * schemas.ts the source of the OpenAPI document. A message in CAPITALS is the field error code the
 * client receives.
 *
 * In `zod/mini`, not zod's classic API: the functions bundle these, and a mini schema is built from
 * separate functions (checks, pipes, optional) where a classic one carries every method of the API,
 * so a bundle holds about 23 KiB of zod instead of about 92 (BENCHMARKS.md). The response schemas,
 * which no function runs, stay classic in schemas.ts.
 *
 * Their descriptions and examples are in request-schema-docs.ts: only the OpenAPI document reads
 * them, and here every function would bundle them and zod's registry and run them at its cold start.
 */

/**
 * Builds a schema at once. Each top-level schema is built through it with the call marked pure, so
 * that a bundle drops the schemas its function never reads: esbuild keeps a method call such as
 * `.check()` even when its result is unused, and zod's own side-effect-free marks are not honoured
 * through its namespace (measured: each function would bundle every request schema).
 */
const pure = <T>(build: () => T): T => build();

/** The transform's refusal: the issue the client reads as `INVALID_FORMAT` on the field. */
function refuse(ctx: z.core.ParsePayload, value: unknown): never {
  ctx.issues.push({ code: "custom", message: "INVALID_FORMAT", input: value });
  return z.NEVER;
}

function normalized<T>(normalize: (value: string) => T | null, maxLength: number) {
  return z.pipe(
    z.string().check(z.maxLength(maxLength, "INVALID_FORMAT")),
    z.transform((value: string, ctx) => normalize(value) ?? refuse(ctx, value)),
  );
}

const customerNumber = /* @__PURE__ */ pure(() =>
  z.string().check(z.regex(CUSTOMER_NUMBER, "INVALID_FORMAT")),
);

export const billVerification = /* @__PURE__ */ pure(() =>
  z.strictObject({
    method: z.literal("bill"),
    customerNumber,
    accessCode: z.string().check(z.regex(ACCESS_CODE, "INVALID_FORMAT")),
  }),
);

export const accountVerification = /* @__PURE__ */ pure(() =>
  z.strictObject({
    method: z.literal("account"),
    customerNumber,
    phone: normalized(normalizePhone, 40),
    postalCode: normalized(normalizePostalCode, 10),
    lastDebitAmount: z.pipe(
      z.union([z.number(), z.string().check(z.maxLength(20))]),
      z.transform(
        (value: number | string, ctx) => parseCents(value, { allowNegative: false }) ?? refuse(ctx, value),
      ),
    ),
  }),
);

export const verificationRequest = /* @__PURE__ */ pure(() =>
  z.discriminatedUnion("method", [billVerification, accountVerification]),
);

export const challengeCodeRequest = /* @__PURE__ */ pure(() =>
  z.strictObject({
    code: z.string().check(z.regex(/^\d{6}$/, "INVALID_FORMAT")),
  }),
);

export const language = /* @__PURE__ */ pure(() => z.enum(["fr", "en"]));

/**
 * A token the API handed out. Any string is accepted here: one of the wrong shape is answered 401
 * INVALID_TOKEN by the use case, as an unknown one is (contract, v2); only a missing or non-string
 * value is a 400.
 */
const token = () => z.string();

export const enrollmentRequest = /* @__PURE__ */ pure(() =>
  z.strictObject({
    verificationToken: token(),
    email: z.pipe(
      z.pipe(z.string().check(z.trim(), z.maxLength(254, "INVALID_FORMAT")), z.email("INVALID_FORMAT")),
      z.transform((v: string) => v.toLowerCase()),
    ),
    password: z.string().check(z.minLength(10, "TOO_SHORT"), z.maxLength(256, "TOO_LONG")),
    language,
  }),
);

export const confirmationRequest = /* @__PURE__ */ pure(() =>
  z.strictObject({
    token: token(),
  }),
);

export const billing = /* @__PURE__ */ pure(() => z.enum(["electronic", "paper"]));

/** PATCH /v1/me: only these two fields; any other is refused (UNKNOWN_FIELD). */
export const meUpdateRequest = /* @__PURE__ */ pure(() =>
  z.strictObject({
    billing: z.optional(billing),
    language: z.optional(language),
  }),
);

export const billsCursor = /* @__PURE__ */ pure(() =>
  z
    .string()
    .check(
      z.maxLength(MAX_BILLS_CURSOR_LENGTH, "INVALID_FORMAT"),
      z.regex(/^[A-Za-z0-9_-]+$/, "INVALID_FORMAT"),
    ),
);

/** GET /v1/me/bills: its query string (other parameters are ignored, as a cache-buster would be). */
export const billsQuery = /* @__PURE__ */ pure(() => z.object({ next: z.optional(billsCursor) }));
