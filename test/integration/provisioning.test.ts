import {
  CognitoIdentityProviderClient,
  DescribeUserPoolClientCommand,
  DescribeUserPoolCommand,
} from "@aws-sdk/client-cognito-identity-provider";
import { DescribeTableCommand, DescribeTimeToLiveCommand, DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { afterAll, describe, expect, inject, it } from "vitest";
import { tableName, tables } from "../../lambdas/definitions/tables";
import { CUSTOMER_NUMBER_CLAIM } from "../../lambdas/definitions/user-pool";
import { ensureTables } from "../../local/provision";
import { LOCAL_CREDENTIALS, LOCAL_PREFIX, LOCAL_REGION } from "../../local/settings";

const { endpoints } = inject("localStack");
const config = { region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS };
const dynamo = new DynamoDBClient({ ...config, endpoint: endpoints.dynamodb });
const cognito = new CognitoIdentityProviderClient({ ...config, endpoint: endpoints.cognito.endpoint });
afterAll(() => {
  dynamo.destroy();
  cognito.destroy();
});

describe("local provisioning from the shared definitions", () => {
  it.each(tables.map((t) => [t.id, t] as const))(
    "creates the %s table with its keys and indexes",
    async (_id, table) => {
      const { Table } = await dynamo.send(
        new DescribeTableCommand({ TableName: tableName(LOCAL_PREFIX, table) }),
      );
      const keys = Object.fromEntries((Table?.KeySchema ?? []).map((k) => [k.KeyType, k.AttributeName]));
      expect(keys.HASH).toBe(table.partitionKey.name);
      expect(keys.RANGE).toBe(table.sortKey?.name);
      expect((Table?.GlobalSecondaryIndexes ?? []).map((i) => i.IndexName).sort()).toEqual(
        (table.globalIndexes ?? []).map((i) => i.name).sort(),
      );
      expect((Table?.LocalSecondaryIndexes ?? []).map((i) => i.IndexName).sort()).toEqual(
        (table.localIndexes ?? []).map((i) => i.name).sort(),
      );
      if (table.ttlAttribute) {
        const ttl = await dynamo.send(
          new DescribeTimeToLiveCommand({ TableName: tableName(LOCAL_PREFIX, table) }),
        );
        expect(ttl.TimeToLiveDescription?.AttributeName).toBe(table.ttlAttribute);
      }
    },
  );

  it("leaves existing tables alone when run again (data persists between npm start runs)", async () => {
    await expect(ensureTables(dynamo, LOCAL_PREFIX)).resolves.toBeUndefined();
  });

  it("creates the user pool with the immutable customer number and a client that cannot write it", async () => {
    const { UserPool } = await cognito.send(
      new DescribeUserPoolCommand({ UserPoolId: endpoints.cognito.userPoolId }),
    );
    const attribute = UserPool?.SchemaAttributes?.find((a) => a.Name === CUSTOMER_NUMBER_CLAIM);
    expect(attribute?.Mutable).toBe(false);
    const { UserPoolClient } = await cognito.send(
      new DescribeUserPoolClientCommand({
        UserPoolId: endpoints.cognito.userPoolId,
        ClientId: endpoints.cognito.clientId,
      }),
    );
    expect(UserPoolClient?.ExplicitAuthFlows).toContain("ALLOW_USER_PASSWORD_AUTH");
    expect(UserPoolClient?.WriteAttributes ?? []).not.toContain(CUSTOMER_NUMBER_CLAIM);
  });
});
