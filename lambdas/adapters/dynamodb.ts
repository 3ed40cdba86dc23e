import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import type { TableDefinition } from "../definitions/tables";

/**
 * The function's one DynamoDB client, created once per cold start. Locally the SDK's standard
 * AWS_ENDPOINT_URL_DYNAMODB points it at DynamoDB Local; nothing here knows the difference.
 */
export function createDocumentClient(
  client = new DynamoDBClient({ maxAttempts: 5 }),
): DynamoDBDocumentClient {
  return DynamoDBDocumentClient.from(client, {
    marshallOptions: { removeUndefinedValues: true, convertEmptyValues: false },
  });
}

let shared: DynamoDBDocumentClient | undefined;
export function documentClient(): DynamoDBDocumentClient {
  shared ??= createDocumentClient();
  return shared;
}

/** The deployed name of a table, from the environment variable the function construct sets. */
export function tableNameFromEnv(table: TableDefinition, source: NodeJS.ProcessEnv = process.env): string {
  const name = source[table.envVar];
  if (!name)
    throw new Error(`${table.envVar} is not set: the function has no name for the ${table.id} table.`);
  return name;
}
