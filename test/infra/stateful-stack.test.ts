import { Match, Template } from "aws-cdk-lib/assertions";
import { afterAll, describe, expect, it } from "vitest";
import {
  type IndexDefinition,
  type TableDefinition,
  tableName,
  tables,
} from "../../lambdas/definitions/tables";
import {
  CUSTOMER_NUMBER_CLAIM,
  userPoolDefinition,
  webClientAuthFlows,
} from "../../lambdas/definitions/user-pool";
import { buildApp } from "../../lib/app";
import { getStage, resourcePrefix, stageNames } from "../../lib/config/stages";
import { statefulOutputKeys, tableNameOutputKey } from "../../lib/stacks/stateful-stack";
import { testApp } from "./infra-app";

type Resource = { Type: string; Properties: Record<string, unknown>; DeletionPolicy?: string };

function keySchema(partitionKey: { name: string }, sortKey?: { name: string }): unknown[] {
  return [
    { AttributeName: partitionKey.name, KeyType: "HASH" },
    ...(sortKey ? [{ AttributeName: sortKey.name, KeyType: "RANGE" }] : []),
  ];
}

function expectedIndex(index: IndexDefinition) {
  const projection =
    index.projection === "ALL" || index.projection === "KEYS_ONLY"
      ? { ProjectionType: index.projection }
      : { ProjectionType: "INCLUDE", NonKeyAttributes: [...index.projection] };
  return {
    IndexName: index.name,
    KeySchema: keySchema(index.partitionKey, index.sortKey),
    Projection: projection,
  };
}

function keyAttributes(definition: TableDefinition): Map<string, string> {
  const attributes = new Map<string, string>();
  const keys = [definition.partitionKey, definition.sortKey];
  for (const index of [...(definition.globalIndexes ?? []), ...(definition.localIndexes ?? [])]) {
    keys.push(index.partitionKey, index.sortKey);
  }
  for (const key of keys) if (key) attributes.set(key.name, key.type);
  return attributes;
}

describe.each(stageNames)("stateful stack, stage %s", (stageName) => {
  const { app, dispose } = testApp();
  const { stateful } = buildApp(stageName, app);
  const stage = getStage(stageName);
  const template = Template.fromStack(stateful);
  const resources = template.toJSON().Resources as Record<string, Resource>;
  afterAll(dispose);

  function tableResource(definition: TableDefinition): Resource {
    const name = tableName(resourcePrefix(stage), definition);
    const found = Object.values(resources).filter(
      (r) => r.Type === "AWS::DynamoDB::Table" && r.Properties.TableName === name,
    );
    expect(found, `one table named ${name}`).toHaveLength(1);
    return found[0] as Resource;
  }

  it("creates exactly the tables of the definitions", () => {
    template.resourceCountIs("AWS::DynamoDB::Table", tables.length);
  });

  it.each(tables.map((t) => [t.id, t] as const))("table %s matches its definition", (_id, definition) => {
    const table = tableResource(definition);
    const props = table.Properties;
    expect(props.KeySchema).toEqual(keySchema(definition.partitionKey, definition.sortKey));
    const attributes = Object.fromEntries(
      (props.AttributeDefinitions as { AttributeName: string; AttributeType: string }[]).map((a) => [
        a.AttributeName,
        a.AttributeType,
      ]),
    );
    expect(attributes).toEqual(Object.fromEntries(keyAttributes(definition)));
    expect(props.GlobalSecondaryIndexes ?? []).toEqual((definition.globalIndexes ?? []).map(expectedIndex));
    expect(props.LocalSecondaryIndexes ?? []).toEqual((definition.localIndexes ?? []).map(expectedIndex));
    expect(props.TimeToLiveSpecification).toEqual(
      definition.ttlAttribute ? { AttributeName: definition.ttlAttribute, Enabled: true } : undefined,
    );
    expect(props.BillingMode).toBe("PAY_PER_REQUEST");
    expect(props.SSESpecification).toEqual({ SSEEnabled: true });
    expect(props.PointInTimeRecoverySpecification).toEqual({ PointInTimeRecoveryEnabled: true });
    expect(props.DeletionProtectionEnabled).toBe(stage.retainData);
    expect(table.DeletionPolicy).toBe(stage.retainData ? "Retain" : "Delete");
  });

  it("outputs every table name under a key derived from its definition", () => {
    for (const definition of tables) {
      template.hasOutput(tableNameOutputKey(definition), { Value: { Ref: Match.anyValue() } });
    }
    for (const key of Object.values(statefulOutputKeys)) template.hasOutput(key, {});
  });

  it("creates the user pool of the definition", () => {
    template.resourceCountIs("AWS::Cognito::UserPool", 1);
    template.hasResource("AWS::Cognito::UserPool", {
      DeletionPolicy: stage.retainData ? "Retain" : "Delete",
      Properties: Match.objectLike({
        UsernameAttributes: ["email"],
        UsernameConfiguration: { CaseSensitive: userPoolDefinition.signInCaseSensitive },
        AdminCreateUserConfig: { AllowAdminCreateUserOnly: true },
        AccountRecoverySetting: { RecoveryMechanisms: [{ Name: "verified_email", Priority: 1 }] },
        Policies: {
          PasswordPolicy: Match.objectLike({ MinimumLength: userPoolDefinition.passwordMinLength }),
        },
        Schema: userPoolDefinition.customAttributes.map((a) => ({
          AttributeDataType: a.type,
          Mutable: a.mutable,
          Name: a.name,
          StringAttributeConstraints: { MinLength: String(a.minLength), MaxLength: String(a.maxLength) },
        })),
        UserPoolTier: "PLUS",
        DeletionProtection: stage.retainData ? "ACTIVE" : "INACTIVE",
      }),
    });
    const customerNumber = userPoolDefinition.customAttributes.find(
      (a) => `custom:${a.name}` === CUSTOMER_NUMBER_CLAIM,
    );
    expect(customerNumber?.mutable).toBe(false);
  });

  it("creates the web client without a secret, and no client can write the customer number", () => {
    const web = userPoolDefinition.webClient;
    template.resourceCountIs("AWS::Cognito::UserPoolClient", 1);
    const [client] = Object.values(template.findResources("AWS::Cognito::UserPoolClient"));
    const props = client?.Properties as Record<string, unknown>;
    const sorted = (list: unknown) => [...(list as string[])].sort();
    expect(props).toMatchObject({
      ClientName: web.id,
      GenerateSecret: false,
      PreventUserExistenceErrors: "ENABLED",
    });
    expect(sorted(props.ExplicitAuthFlows)).toEqual(
      sorted(webClientAuthFlows("deployed").map((flow) => `ALLOW_${flow}`)),
    );
    expect(sorted(props.ReadAttributes)).toEqual(sorted(web.readAttributes));
    expect(sorted(props.WriteAttributes)).toEqual(sorted(web.writeAttributes));
    expect(props.WriteAttributes).not.toContain(CUSTOMER_NUMBER_CLAIM);
    expect(props.ReadAttributes).toContain(CUSTOMER_NUMBER_CLAIM);
  });

  it("lets the web client sign in with SRP and refresh only: no USER_PASSWORD_AUTH on a deployed stage", () => {
    const [client] = Object.values(template.findResources("AWS::Cognito::UserPoolClient"));
    const flows = (client?.Properties as { ExplicitAuthFlows?: string[] } | undefined)?.ExplicitAuthFlows;
    expect([...(flows ?? [])].sort()).toEqual(["ALLOW_REFRESH_TOKEN_AUTH", "ALLOW_USER_SRP_AUTH"]);
  });

  it("enables token revocation on the web client (RevokeToken and global sign-out end its refresh tokens)", () => {
    template.hasResourceProperties("AWS::Cognito::UserPoolClient", { EnableTokenRevocation: true });
  });

  it("keeps documents in a private, encrypted, versioned, logged bucket that refuses plain HTTP", () => {
    template.hasResourceProperties("AWS::S3::Bucket", {
      PublicAccessBlockConfiguration: {
        BlockPublicAcls: true,
        BlockPublicPolicy: true,
        IgnorePublicAcls: true,
        RestrictPublicBuckets: true,
      },
      VersioningConfiguration: { Status: "Enabled" },
      BucketEncryption: { ServerSideEncryptionConfiguration: [Match.objectLike({ BucketKeyEnabled: true })] },
      LoggingConfiguration: { DestinationBucketName: Match.anyValue(), LogFilePrefix: "documents/" },
    });
    template.hasResourceProperties("AWS::S3::BucketPolicy", {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Effect: "Deny", Condition: { Bool: { "aws:SecureTransport": "false" } } }),
        ]),
      },
    });
  });

  it("keeps the documents' S3 server access logs, the one log that records a link's session token", () => {
    const documents = Object.values(resources).filter(
      (r) => r.Type === "AWS::S3::Bucket" && r.Properties.VersioningConfiguration !== undefined,
    );
    expect(documents).toHaveLength(1);
    const logging = (documents[0] as Resource).Properties.LoggingConfiguration as {
      DestinationBucketName: { Ref: string };
    };
    const destination = resources[logging.DestinationBucketName.Ref] as Resource;
    expect(destination.Type).toBe("AWS::S3::Bucket");
    expect(destination.Properties).toMatchObject({
      PublicAccessBlockConfiguration: {
        BlockPublicAcls: true,
        BlockPublicPolicy: true,
        IgnorePublicAcls: true,
        RestrictPublicBuckets: true,
      },
      LifecycleConfiguration: { Rules: [expect.objectContaining({ ExpirationInDays: expect.any(Number) })] },
    });
  });

  it("creates the SES configuration set with reputation metrics and the generated pepper", () => {
    template.hasResourceProperties("AWS::SES::ConfigurationSet", {
      Name: resourcePrefix(stage),
      ReputationOptions: { ReputationMetricsEnabled: true },
    });
    template.hasResourceProperties("AWS::SecretsManager::Secret", {
      Name: stateful.pepperSecretName,
      GenerateSecretString: Match.objectLike({ PasswordLength: 64 }),
    });
  });

  it("keeps the confirmation tokens' key in a secret of its own, generated like the pepper", () => {
    expect(stateful.confirmationKeySecretName).toBe(`${resourcePrefix(stage)}/confirmation-key`);
    expect(stateful.confirmationKeySecretName).not.toBe(stateful.pepperSecretName);
    template.hasResourceProperties("AWS::SecretsManager::Secret", {
      Name: stateful.confirmationKeySecretName,
      GenerateSecretString: Match.objectLike({ PasswordLength: 64 }),
    });
  });
});
