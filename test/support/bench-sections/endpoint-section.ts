import { GetCommand } from "@aws-sdk/lib-dynamodb";
import type { Section } from "../../../bench/section";
import { documentClient } from "../../../lambdas/adapters/dynamodb";

class Captured extends Error {}

/**
 * A section as me-bills and enrollment are: it points the handlers at its own stack's DynamoDB
 * Local (on `port`), then uses the handlers' shared client. It returns where that client sends,
 * caught before anything leaves the process: nothing listens there.
 */
export function endpointSection(name: string, port: number): Section {
  return {
    name,
    title: `the handlers' DynamoDB client, with its stack on port ${port}`,
    async run() {
      Object.assign(process.env, {
        AWS_ENDPOINT_URL_DYNAMODB: `http://127.0.0.1:${port}`,
        AWS_REGION: "ca-central-1",
        AWS_ACCESS_KEY_ID: "local",
        AWS_SECRET_ACCESS_KEY: "local",
      });
      const client = documentClient();
      let target = "nowhere";
      // Replaced by the next section's, should it find this client.
      client.middlewareStack.add(
        () => async (args) => {
          const request = args.request as { hostname?: string; port?: number };
          target = `${request.hostname}:${request.port}`;
          throw new Captured();
        },
        { step: "build", name: "capture-endpoint", override: true },
      );
      try {
        await client.send(new GetCommand({ TableName: "bench-test", Key: { id: "1" } }));
      } catch (error) {
        if (!(error instanceof Captured)) throw error;
      }
      return target;
    },
  };
}
