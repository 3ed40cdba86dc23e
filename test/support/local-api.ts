import type { AddressInfo } from "node:net";
import { inject } from "vitest";
import { createApiServer } from "../../local/http-adapter";

/**
 * Serves the API in this test worker (same adapter and handlers as `npm start`) against the
 * emulators the global setup started. The handlers read their environment at import, so it is set
 * before the first request loads them.
 */
export async function startLocalApi(
  overrides: Record<string, string> = {},
): Promise<{ url: string; close(): Promise<void> }> {
  const { environment } = inject("localStack");
  Object.assign(process.env, environment, overrides);
  const server = createApiServer();
  await new Promise<void>((done) => server.listen({ port: 0, host: "127.0.0.1" }, () => done()));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () => new Promise<void>((done) => server.close(() => done())),
  };
}
