import {
  type CognitoIdentityProviderClient,
  CreateUserPoolClientCommand,
  CreateUserPoolCommand,
  type ExplicitAuthFlowsType,
  ListUserPoolClientsCommand,
  ListUserPoolsCommand,
} from "@aws-sdk/client-cognito-identity-provider";
import {
  type AttributeDefinition,
  CreateTableCommand,
  type CreateTableCommandInput,
  DescribeTableCommand,
  type DynamoDBClient,
  type Projection,
  ResourceInUseException,
  UpdateTableCommand,
  UpdateTimeToLiveCommand,
} from "@aws-sdk/client-dynamodb";
import {
  type IndexDefinition,
  type KeyAttribute,
  type TableDefinition,
  tableName,
  tables,
} from "../lambdas/definitions/tables";
import { userPoolDefinition, webClientAuthFlows } from "../lambdas/definitions/user-pool";

function projection(index: IndexDefinition): Projection {
  if (index.projection === "ALL" || index.projection === "KEYS_ONLY")
    return { ProjectionType: index.projection };
  return { ProjectionType: "INCLUDE", NonKeyAttributes: [...index.projection] };
}

function keySchema(partitionKey: KeyAttribute, sortKey?: KeyAttribute) {
  return [
    { AttributeName: partitionKey.name, KeyType: "HASH" as const },
    ...(sortKey ? [{ AttributeName: sortKey.name, KeyType: "RANGE" as const }] : []),
  ];
}

/** CreateTable input from a table definition: the same keys and indexes the CDK stack deploys. */
export function createTableInput(prefix: string, table: TableDefinition): CreateTableCommandInput {
  const attributes = new Map<string, AttributeDefinition>();
  const add = (key?: KeyAttribute) => {
    if (key) attributes.set(key.name, { AttributeName: key.name, AttributeType: key.type });
  };
  add(table.partitionKey);
  add(table.sortKey);
  for (const index of [...(table.globalIndexes ?? []), ...(table.localIndexes ?? [])]) {
    add(index.partitionKey);
    add(index.sortKey);
  }
  return {
    TableName: tableName(prefix, table),
    BillingMode: "PAY_PER_REQUEST",
    AttributeDefinitions: [...attributes.values()],
    KeySchema: keySchema(table.partitionKey, table.sortKey),
    ...(table.globalIndexes?.length
      ? {
          GlobalSecondaryIndexes: table.globalIndexes.map((index) => ({
            IndexName: index.name,
            KeySchema: keySchema(index.partitionKey, index.sortKey),
            Projection: projection(index),
          })),
        }
      : {}),
    ...(table.localIndexes?.length
      ? {
          LocalSecondaryIndexes: table.localIndexes.map((index) => ({
            IndexName: index.name,
            KeySchema: keySchema(index.partitionKey, index.sortKey),
            Projection: projection(index),
          })),
        }
      : {}),
  };
}

/** Creates every table that does not exist yet (data persists between runs). */
export async function ensureTables(client: DynamoDBClient, prefix: string): Promise<void> {
  for (const table of tables) {
    const input = createTableInput(prefix, table);
    try {
      await client.send(new CreateTableCommand(input));
      if (table.ttlAttribute) {
        await client.send(
          new UpdateTimeToLiveCommand({
            TableName: input.TableName,
            TimeToLiveSpecification: { AttributeName: table.ttlAttribute, Enabled: true },
          }),
        );
      }
    } catch (error) {
      if (!(error instanceof ResourceInUseException)) throw error;
    }
    const { Table } = await client.send(new DescribeTableCommand({ TableName: input.TableName }));
    // Data kept from an older version: add the global indexes the definitions gained since, and
    // rebuild one whose keys changed.
    const existing = new Map(
      (Table?.GlobalSecondaryIndexes ?? []).map((i) => [i.IndexName, JSON.stringify(i.KeySchema)]),
    );
    for (const index of input.GlobalSecondaryIndexes ?? []) {
      const keys = existing.get(index.IndexName);
      if (keys === JSON.stringify(index.KeySchema)) continue;
      if (keys !== undefined) {
        await client.send(
          new UpdateTableCommand({
            TableName: input.TableName,
            GlobalSecondaryIndexUpdates: [{ Delete: { IndexName: index.IndexName } }],
          }),
        );
        await waitForIndexGone(client, input.TableName as string, index.IndexName as string);
      }
      await client.send(
        new UpdateTableCommand({
          TableName: input.TableName,
          AttributeDefinitions: input.AttributeDefinitions,
          GlobalSecondaryIndexUpdates: [{ Create: index }],
        }),
      );
    }
  }
}

async function waitForIndexGone(client: DynamoDBClient, table: string, index: string): Promise<void> {
  for (let i = 0; i < 100; i++) {
    const { Table } = await client.send(new DescribeTableCommand({ TableName: table }));
    if (!(Table?.GlobalSecondaryIndexes ?? []).some((g) => g.IndexName === index)) return;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`the index ${index} of ${table} was not deleted in time: run npm start -- --fresh`);
}

export interface LocalUserPool {
  readonly userPoolId: string;
  readonly clientId: string;
}

/** Finds or creates the customer pool and its web client on the emulator, from the shared definition. */
export async function ensureUserPool(
  client: CognitoIdentityProviderClient,
  poolName: string,
): Promise<LocalUserPool> {
  const pools = await client.send(new ListUserPoolsCommand({ MaxResults: 60 }));
  let userPoolId = pools.UserPools?.find((p) => p.Name === poolName)?.Id;
  if (!userPoolId) {
    const created = await client.send(
      new CreateUserPoolCommand({
        PoolName: poolName,
        UsernameAttributes: ["email"],
        AutoVerifiedAttributes: [],
        UsernameConfiguration: { CaseSensitive: userPoolDefinition.signInCaseSensitive },
        Policies: {
          PasswordPolicy: {
            MinimumLength: userPoolDefinition.passwordMinLength,
            RequireLowercase: false,
            RequireUppercase: false,
            RequireNumbers: false,
            RequireSymbols: false,
          },
        },
        Schema: userPoolDefinition.customAttributes.map((a) => ({
          Name: a.name,
          AttributeDataType: a.type,
          Mutable: a.mutable,
          StringAttributeConstraints: { MinLength: String(a.minLength), MaxLength: String(a.maxLength) },
        })),
      }),
    );
    userPoolId = created.UserPool?.Id;
  }
  if (!userPoolId) throw new Error("The Cognito emulator did not return a user pool id.");
  const web = userPoolDefinition.webClient;
  const clients = await client.send(
    new ListUserPoolClientsCommand({ UserPoolId: userPoolId, MaxResults: 60 }),
  );
  let clientId = clients.UserPoolClients?.find((c) => c.ClientName === web.id)?.ClientId;
  if (!clientId) {
    const created = await client.send(
      new CreateUserPoolClientCommand({
        UserPoolId: userPoolId,
        ClientName: web.id,
        GenerateSecret: false,
        // The local view: USER_PASSWORD_AUTH too, since the emulator has no SRP.
        ExplicitAuthFlows: webClientAuthFlows("local").map((f) => `ALLOW_${f}` as ExplicitAuthFlowsType),
        ReadAttributes: [...web.readAttributes],
        WriteAttributes: [...web.writeAttributes],
      }),
    );
    clientId = created.UserPoolClient?.ClientId;
  }
  if (!clientId) throw new Error("The Cognito emulator did not return a client id.");
  return { userPoolId, clientId };
}
