import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";

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
