/** Limits of the HTTP API that the handlers, the local adapter and the CDK stacks share. */

/** Largest JSON body a handler accepts (contract: over 16 KiB is a 413). */
export const MAX_BODY_BYTES = 16 * 1024;

/** Largest body the local adapter reads at all before answering 413 (API Gateway's own cap is 10 MB). */
export const LOCAL_ADAPTER_MAX_READ_BYTES = 1024 * 1024;

export const DEFAULT_SUPPORT_PHONE = "1 800 567-6353";
export const DEFAULT_WEB_ORIGIN = "http://localhost:5173";
