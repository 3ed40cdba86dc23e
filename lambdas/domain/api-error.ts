import type { ErrorCode, errors } from "../definitions/error-codes";

/** One code's definition (error-codes.ts): its status and both messages come along with it. */
export type ApiErrorDefinition = (typeof errors)[ErrorCode];

export interface FieldError {
  readonly field: string;
  readonly code: string;
}

/**
 * An error the API answers with the contract's JSON shape. Use cases throw it; the HTTP middleware
 * turns it into `{ "error": { code, message, fields? } }` with the status of its code.
 */
export class ApiError extends Error {
  readonly code: ErrorCode;
  readonly status: number;

  constructor(
    readonly definition: ApiErrorDefinition,
    readonly options: {
      readonly fields?: readonly FieldError[];
      readonly headers?: Readonly<Record<string, string>>;
      /** Replaces the code's standard message (both languages), e.g. to add the support phone. */
      readonly message?: { readonly fr: string; readonly en: string };
    } = {},
  ) {
    super(definition.code);
    this.name = "ApiError";
    this.code = definition.code;
    this.status = definition.status;
  }
}
