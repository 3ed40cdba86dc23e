import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";

export interface StubServer {
  /** For AWS_ENDPOINT_URL: every SDK client of the child sends its calls here. */
  readonly url: string;
  /** Requests answered since the last reset, so a sequential caller can attribute them. */
  takeRequestCount(): number;
  close(): Promise<void>;
}

/**
 * A stand-in for every AWS endpoint: answers each request 200 with `{}`, which the SDK's JSON
 * protocols (DynamoDB, Cognito, SES v2, Secrets Manager) accept as an empty output. Query/XML
 * services (CloudFormation) would fail to parse it; no function calls those at run time. Listens
 * on 127.0.0.1 only.
 */
export async function startStubServer(): Promise<StubServer> {
  let requests = 0;
  const server: Server = createServer((request, response) => {
    requests += 1;
    // Drain the body so the client's keep-alive connection stays usable, then answer.
    request.resume();
    request.on("end", () => {
      response.writeHead(200, { "content-type": "application/x-amz-json-1.0" });
      response.end("{}");
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    takeRequestCount() {
      const count = requests;
      requests = 0;
      return count;
    },
    close() {
      // Children are gone by now, but a killed child may leave a half-open keep-alive socket.
      server.closeAllConnections();
      return new Promise((resolve, reject) => server.close((error) => (error ? reject(error) : resolve())));
    },
  };
}
