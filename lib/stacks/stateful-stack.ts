import { CfnOutput, Duration, RemovalPolicy, Stack, type StackProps, Validations } from "aws-cdk-lib";
import * as backup from "aws-cdk-lib/aws-backup";
import type * as cognito from "aws-cdk-lib/aws-cognito";
import type * as dynamodb from "aws-cdk-lib/aws-dynamodb";
import * as events from "aws-cdk-lib/aws-events";
import * as kms from "aws-cdk-lib/aws-kms";
import * as s3 from "aws-cdk-lib/aws-s3";
import * as secretsmanager from "aws-cdk-lib/aws-secretsmanager";
import * as ses from "aws-cdk-lib/aws-ses";
import type { Construct } from "constructs";
import { type TableDefinition, tableName, tables } from "../../lambdas/definitions/tables";
import { userPoolDefinition } from "../../lambdas/definitions/user-pool";
import { resourcePrefix, type StageConfig } from "../config/stages";
import { CustomerUserPool } from "../constructs/customer-user-pool";
import { definitionTable } from "../constructs/definition-table";

export interface StatefulStackProps extends StackProps {
  readonly stage: StageConfig;
}

/** Stack output key of a table's name: "AccountsTableName" for the table whose id is "Accounts". */
export function tableNameOutputKey(definition: TableDefinition): string {
  return `${definition.id}TableName`;
}

/** Stack output keys of the other stateful resources (the import CLI reads them by these keys). */
export const statefulOutputKeys = {
  userPoolId: "UserPoolId",
  userPoolClientId: "UserPoolClientId",
  documentsBucketName: "DocumentsBucketName",
  pepperSecretName: "PepperSecretName",
  sesConfigurationSetName: "SesConfigurationSetName",
} as const;

/**
 * Everything that holds data or identities: the tables, the customer user pool, the documents bucket,
 * the SES configuration set and the HMAC keys (the pepper of the verification hashes, the key of
 * the confirmation tokens). It changes rarely; the functions and the API live in the stateless
 * stack and can be redeployed or replaced freely.
 */
export class StatefulStack extends Stack {
  readonly stage: StageConfig;
  /** By table definition id ("Accounts", "Bills", …). */
  readonly tables: ReadonlyMap<string, dynamodb.Table>;
  readonly userPool: cognito.UserPool;
  readonly webClient: cognito.UserPoolClient;
  readonly documentsBucket: s3.Bucket;
  readonly emailConfigurationSet: ses.ConfigurationSet;
  readonly pepperSecret: secretsmanager.Secret;
  /** The secret's name as the functions look it up (a plain string: no cross-stack reference). */
  readonly pepperSecretName: string;
  /** The key of the confirmation tokens: the enrollments function reads it, and not the pepper. */
  readonly confirmationKeySecret: secretsmanager.Secret;
  readonly confirmationKeySecretName: string;
  /** The customer-managed key of both secrets: its use is the stage's own, audited and revocable. */
  readonly secretsKey: kms.Key;

  constructor(scope: Construct, id: string, props: StatefulStackProps) {
    super(scope, id, props);
    const { stage } = props;
    this.stage = stage;
    const prefix = resourcePrefix(stage);
    const removalPolicy = stage.retainData ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY;

    const byId = new Map<string, dynamodb.Table>();
    for (const definition of tables) {
      const table = definitionTable(this, {
        definition,
        tableName: tableName(prefix, definition),
        retainData: stage.retainData,
      });
      byId.set(definition.id, table);
      new CfnOutput(this, tableNameOutputKey(definition), {
        value: table.tableName,
        description: `DynamoDB table ${definition.id} (functions read it from ${definition.envVar})`,
      });
    }
    this.tables = byId;
    this.backUpTables([...byId.values()], prefix, removalPolicy);

    this.emailConfigurationSet = new ses.ConfigurationSet(this, "EmailConfigurationSet", {
      configurationSetName: prefix,
      reputationMetrics: true,
      sendingEnabled: true,
      // Confirmation e-mails carry a sign-up token: never over a clear-text SMTP hop.
      tlsPolicy: ses.ConfigurationSetTlsPolicy.REQUIRE,
      suppressionReasons: ses.SuppressionReasons.BOUNCES_AND_COMPLAINTS,
    });
    // Bounces and complaints go to EventBridge, where the notice pipeline flags the accounts.
    this.emailConfigurationSet.addEventDestination("ToEventBridge", {
      destination: ses.EventDestination.eventBus(
        events.EventBus.fromEventBusName(this, "DefaultBus", "default"),
      ),
      events: [ses.EmailSendingEvent.BOUNCE, ses.EmailSendingEvent.COMPLAINT],
    });

    const customers = new CustomerUserPool(this, userPoolDefinition.id, {
      stage,
      userPoolName: `${prefix}-${userPoolDefinition.id}`,
      sesConfigurationSetName: this.emailConfigurationSet.configurationSetName,
    });
    this.userPool = customers.userPool;
    this.webClient = customers.webClient;

    this.documentsBucket = this.createDocumentsBucket(removalPolicy);

    this.secretsKey = new kms.Key(this, "SecretsKey", {
      alias: `alias/${prefix}-secrets`,
      description: "Encrypts the pepper and the confirmation key (Secrets Manager)",
      enableKeyRotation: true,
      removalPolicy,
      pendingWindow: Duration.days(stage.retainData ? 30 : 7),
    });

    this.pepperSecretName = `${prefix}/access-code-pepper`;
    this.pepperSecret = new secretsmanager.Secret(this, "PepperSecret", {
      secretName: this.pepperSecretName,
      description: "HMAC key ring (pepper) of the verification hashes stored in the accounts table",
      encryptionKey: this.secretsKey,
      generateSecretString: { passwordLength: 64, excludePunctuation: true, includeSpace: false },
      removalPolicy,
    });
    const pepperRotation =
      'The pepper is a versioned key ring rotated by an operator (README "Rotating the pepper"): a new ' +
      "version, a full re-import that re-hashes every account, then the old version's removal. A rotation " +
      "Lambda cannot re-hash: the clear values exist only in the billing system's export.";
    for (const id of ["AwsSolutions-SMG4", "NIST.800.53.R5-SecretsManagerRotationEnabled"])
      Validations.of(this.pepperSecret).acknowledge({ id, reason: pepperRotation });

    this.confirmationKeySecretName = `${prefix}/confirmation-key`;
    this.confirmationKeySecret = new secretsmanager.Secret(this, "ConfirmationKeySecret", {
      secretName: this.confirmationKeySecretName,
      description: "HMAC key ring that derives the confirmation tokens of the enrollment e-mails",
      encryptionKey: this.secretsKey,
      generateSecretString: { passwordLength: 64, excludePunctuation: true, includeSpace: false },
      removalPolicy,
    });
    const confirmationKeyRotation =
      'Rotated by an operator with the pepper\'s key-ring format (README "Rotating the pepper"); links are ' +
      "checked by their SHA-256, so a new key never breaks a link in flight and needs no schedule.";
    for (const id of ["AwsSolutions-SMG4", "NIST.800.53.R5-SecretsManagerRotationEnabled"])
      Validations.of(this.confirmationKeySecret).acknowledge({ id, reason: confirmationKeyRotation });

    const outputs: Record<(typeof statefulOutputKeys)[keyof typeof statefulOutputKeys], string> = {
      UserPoolId: this.userPool.userPoolId,
      UserPoolClientId: this.webClient.userPoolClientId,
      DocumentsBucketName: this.documentsBucket.bucketName,
      PepperSecretName: this.pepperSecretName,
      SesConfigurationSetName: this.emailConfigurationSet.configurationSetName,
    };
    for (const [key, value] of Object.entries(outputs)) new CfnOutput(this, key, { value });
  }

  /** The table of a definition; throws for a definition this stack did not create. */
  table(definition: TableDefinition): dynamodb.Table {
    const table = this.tables.get(definition.id);
    if (!table) throw new Error(`No table ${definition.id} in ${this.stackName}.`);
    return table;
  }

  /** Bill and contract PDFs, read by the API through short-lived links. Private, versioned, logged. */
  private createDocumentsBucket(removalPolicy: RemovalPolicy): s3.Bucket {
    const accessLogs = new s3.Bucket(this, "AccessLogsBucket", {
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      // S3 server access logging can only deliver to an SSE-S3 bucket.
      encryption: s3.BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      minimumTLSVersion: 1.2,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
      lifecycleRules: [{ expiration: Duration.days(this.stage.retainData ? 365 : 90) }],
      removalPolicy,
    });

    const accessLogsFindings = Validations.of(accessLogs);
    accessLogsFindings.acknowledge({
      id: "NIST.800.53.R5-S3DefaultEncryptionKMS",
      reason:
        "S3 server access logging delivers only to a bucket whose default encryption is SSE-S3 (AES-256); " +
        "the logs hold request lines of the documents bucket, no document content.",
    });
    accessLogsFindings.acknowledge({
      id: "NIST.800.53.R5-S3BucketVersioningEnabled",
      reason:
        "Access log objects are written once by S3's log delivery and never replaced; only the lifecycle " +
        "rule deletes them. Versions would keep every expired log without protecting anything.",
    });
    const replication =
      "The stage lives in one region (ca-central-1, where the customers' data must stay); the documents are " +
      "copies of the billing system's PDFs, versioned and retained in prod, and re-importable.";
    accessLogsFindings.acknowledge({ id: "NIST.800.53.R5-S3BucketReplicationEnabled", reason: replication });

    const documents = new s3.Bucket(this, "DocumentsBucket", {
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      // aws/s3 KMS key with a bucket key: decryptions are audited in CloudTrail at a low request cost.
      encryption: s3.BucketEncryption.KMS_MANAGED,
      bucketKeyEnabled: true,
      enforceSSL: true,
      minimumTLSVersion: 1.2,
      versioned: true,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
      serverAccessLogsBucket: accessLogs,
      serverAccessLogsPrefix: "documents/",
      // A replaced or deleted PDF stays recoverable for a while, not forever.
      lifecycleRules: [{ noncurrentVersionExpiration: Duration.days(90) }],
      removalPolicy,
    });
    Validations.of(documents).acknowledge({
      id: "NIST.800.53.R5-S3BucketReplicationEnabled",
      reason: replication,
    });
    return documents;
  }

  /**
   * Production's tables in an AWS Backup plan: a daily backup kept 35 days, on top of point-in-time
   * recovery (also 35 days, but lost with the table). Elsewhere the tables are disposable, and the
   * finding is acknowledged on each one.
   */
  private backUpTables(
    tables: readonly dynamodb.Table[],
    prefix: string,
    removalPolicy: RemovalPolicy,
  ): void {
    if (!this.stage.retainData) {
      for (const table of tables)
        Validations.of(table).acknowledge({
          id: "NIST.800.53.R5-DynamoDBInBackupPlan",
          reason:
            "A disposable stage (retainData off: destroyed with its stack, rebuilt by a fresh import); " +
            "point-in-time recovery covers its last 35 days. Production's tables are in the backup plan.",
        });
      return;
    }
    const vault = new backup.BackupVault(this, "BackupVault", {
      backupVaultName: `${prefix}-tables`,
      removalPolicy,
    });
    const plan = new backup.BackupPlan(this, "BackupPlan", {
      backupPlanName: `${prefix}-tables`,
      backupVault: vault,
      backupPlanRules: [backup.BackupPlanRule.daily(vault)],
    });
    const selection = plan.addSelection("Tables", {
      resources: tables.map((table) => backup.BackupResource.fromDynamoDbTable(table)),
    });
    Validations.of(selection).acknowledge({
      id: "AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSBackupServiceRolePolicyForBackup]",
      reason:
        "AWS Backup's role for taking the backups of the selection; AWS documents this managed policy for " +
        "it (the service decides which resource APIs a backup needs).",
    });
  }
}
