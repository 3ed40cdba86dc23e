import { type CfnResource, Names, Stack, Validations } from "aws-cdk-lib";
import type * as cognito from "aws-cdk-lib/aws-cognito";
import type * as dynamodb from "aws-cdk-lib/aws-dynamodb";
import * as iam from "aws-cdk-lib/aws-iam";
import type * as lambda from "aws-cdk-lib/aws-lambda";
import type * as s3 from "aws-cdk-lib/aws-s3";
import type * as secretsmanager from "aws-cdk-lib/aws-secretsmanager";
import type * as ses from "aws-cdk-lib/aws-ses";
import type * as sqs from "aws-cdk-lib/aws-sqs";
import { Construct } from "constructs";
import { DOCUMENTS_BUCKET_ENV } from "../../lambdas/definitions/documents";
import type { ApiFunctionName } from "../../lambdas/definitions/routes";
import { type TableDefinition, tables } from "../../lambdas/definitions/tables";

/** What one function may do with the stage's resources; everything not listed is denied. */
export interface FunctionGrants {
  /** By table definition id ("Accounts", …); the function also gets the table's name variable. */
  readonly tables?: Readonly<Record<string, TableGrant>>;
  /** secretsmanager:GetSecretValue on the pepper (Powertools' getSecret sends nothing else). */
  readonly pepperSecret?: boolean;
  /** Read of the confirmation-token key (its own secret: whoever derives links needs no pepper). */
  readonly confirmationKeySecret?: boolean;
  /** s3:GetObject on the documents (to presign links to them); the function gets DOCUMENTS_BUCKET. */
  readonly documentsBucket?: "read";
  /** ses:SendEmail from the stage's sender, through the stage's configuration set. */
  readonly sendEmail?: boolean;
  /** cognito-idp actions on the customer user pool, e.g. "cognito-idp:AdminCreateUser". */
  readonly userPoolActions?: readonly string[];
  /** sqs:SendMessage to the step-up code queue (the queue's URL is in every function's variables). */
  readonly stepUpQueue?: "send";
}

/** The DynamoDB actions on items that a grant may name (dynamodb:<action>). */
export type TableAction =
  | "GetItem"
  | "BatchGetItem"
  | "Query"
  | "PutItem"
  | "UpdateItem"
  | "DeleteItem"
  | "BatchWriteItem"
  | "ConditionCheckItem";

/**
 * The actions a function's code sends to one table, each named: no "read" or "readWrite" sets, which
 * hand out what no code calls (test/infra/least-privilege.test.ts compares them with the bundles).
 */
export interface TableGrant {
  /** On the table itself; "Query" here queries the table's own key. */
  readonly actions?: readonly TableAction[];
  /** dynamodb:Query on these indexes of the table, by name (no "index/*", no other action on them). */
  readonly queryIndexes?: readonly string[];
  /**
   * Actions of `actions` allowed only on the items whose partition key starts with one of these
   * prefixes (the dynamodb:LeadingKeys condition), e.g. `{ DeleteItem: ["CHALLENGE#"] }`.
   */
  readonly onlyKeysStartingWith?: Partial<Record<TableAction, readonly string[]>>;
}

/**
 * Least privilege per function. A Record over every function name: a function added to routes.ts
 * does not compile until it is listed here, even with nothing.
 */
export const functionGrants: Readonly<Record<ApiFunctionName, FunctionGrants>> = {
  // None reads stored data: health answers from the process, openapi from its bundled document,
  // fallback from the route table.
  health: {},
  openapi: {},
  fallback: {},
  // Reads the account's hashes and profile in one BatchGetItem; in the security table reads and
  // writes attempt counters, issues verification tokens, adds to the failure budget's counters and
  // reads them (BatchGetItem), creates step-up challenges, counts their tries and consumes them: the
  // only items it deletes, so a lockout counter or a token cannot be deleted by it. Queues each new
  // challenge for its code e-mail.
  verifications: {
    tables: {
      Accounts: { actions: ["BatchGetItem"] },
      Profiles: { actions: ["BatchGetItem"] },
      Security: {
        actions: ["GetItem", "BatchGetItem", "PutItem", "UpdateItem", "DeleteItem"],
        onlyKeysStartingWith: { DeleteItem: ["CHALLENGE#"] },
      },
      // One event per attempt, for support and the customer's export: it only adds.
      AccountEvents: { actions: ["PutItem"] },
    },
    pepperSecret: true,
    stepUpQueue: "send",
  },
  // Consumes the verification token (UpdateItem), reads, locks and writes the profile, creates the
  // Cognito user and sets its password, stores the confirmation token (PutItem), e-mails.
  enrollments: {
    tables: {
      Profiles: { actions: ["GetItem", "UpdateItem"] },
      // Tokens (UpdateItem, PutItem) and the account's enrollment e-mails of the day, read before
      // each version-conditioned write (GetItem).
      Security: { actions: ["GetItem", "UpdateItem", "PutItem"] },
    },
    confirmationKeySecret: true,
    sendEmail: true,
    userPoolActions: [
      "cognito-idp:AdminCreateUser",
      "cognito-idp:AdminGetUser",
      "cognito-idp:AdminSetUserPassword",
      "cognito-idp:AdminDeleteUser",
    ],
  },
  // Reads the confirmation token, reads and activates the profile, marks the e-mail verified; reads
  // the account's contact address and tells it ("was this you?").
  confirmation: {
    tables: {
      Profiles: { actions: ["GetItem", "UpdateItem"] },
      Security: { actions: ["GetItem"] },
      Accounts: { actions: ["GetItem"] },
    },
    sendEmail: true,
    // Reads whose the user is (a link confirms only its own account's user), marks it verified.
    userPoolActions: ["cognito-idp:AdminGetUser", "cognito-idp:AdminUpdateUserAttributes"],
  },
  // The signed-in customer's routes: the customer number comes from the authorizer.
  // Reads the profile, changes billing and language (conditional updates); the language also
  // becomes the Cognito user's locale; signs the customer out everywhere (revokes the user's
  // refresh tokens, writes the profile's sign-out mark); closes the profile (DELETE /v1/me: reads
  // whose each of the account's users is, disables and deletes it, e-mails the enrolled address).
  me: {
    tables: { Profiles: { actions: ["GetItem", "UpdateItem"] } },
    sendEmail: true,
    userPoolActions: [
      "cognito-idp:AdminUpdateUserAttributes",
      "cognito-idp:AdminUserGlobalSignOut",
      "cognito-idp:AdminGetUser",
      "cognito-idp:AdminDisableUser",
      "cognito-idp:AdminDeleteUser",
    ],
  },
  // Lists the customer's bills newest first (the byBillingDate index), reads one by its key;
  // presigns links to their PDFs.
  meBills: {
    tables: { Bills: { actions: ["GetItem"], queryIndexes: ["byBillingDate"] } },
    documentsBucket: "read",
  },
  // Reads the customer's contract; presigns a link to its PDF.
  meContract: { tables: { Contracts: { actions: ["GetItem"] } }, documentsBucket: "read" },
  // The customer's export, a function of its own so that no other route holds its reads: each under
  // the customer's own key (GetItem of the account, profile and contract, Query of the bills and of
  // the events on the tables' keys, the bills' notices by their keys); it writes nothing and links
  // to no document.
  meExport: {
    tables: {
      Accounts: { actions: ["GetItem"] },
      Profiles: { actions: ["GetItem"] },
      Bills: { actions: ["Query"] },
      Contracts: { actions: ["GetItem"] },
      Notices: { actions: ["BatchGetItem"] },
      AccountEvents: { actions: ["Query"] },
    },
  },
};

/**
 * The Lambda authorizer of the signed-in routes: reads the profile of the token's account, and asks
 * the user pool for the customer number and e-mail of an access token's user.
 */
export const authorizerGrants: FunctionGrants = {
  tables: { Profiles: { actions: ["GetItem"] } },
  userPoolActions: ["cognito-idp:AdminGetUser"],
};

/**
 * The step-up code sender (lib/constructs/step-up-pipeline.ts): reads the challenge by its key, the
 * account's contact address and language by its key, derives the code with the pepper, e-mails it.
 * Its queue's consume actions come with its event source.
 */
export const stepUpCodesGrants: FunctionGrants = {
  tables: { Security: { actions: ["GetItem"] }, Accounts: { actions: ["GetItem"] } },
  pepperSecret: true,
  sendEmail: true,
};

/** What a grant can name: the stateful stack's resources, and the stateless stack's step-up queue. */
export interface GrantableResources {
  readonly tables: ReadonlyMap<string, dynamodb.ITable>;
  readonly pepperSecret: secretsmanager.ISecret;
  readonly confirmationKeySecret: secretsmanager.ISecret;
  readonly documentsBucket: s3.IBucket;
  readonly userPool: cognito.IUserPool;
  readonly emailConfigurationSet: ses.IConfigurationSet;
  readonly sesFromAddress: string;
  readonly stepUpQueue: sqs.IQueue;
}

/** Applies one function's grants, and gives it the names of the tables it may use. */
export function applyGrants(
  fn: lambda.Function,
  grants: FunctionGrants,
  resources: GrantableResources,
): void {
  for (const [id, grant] of Object.entries(grants.tables ?? {})) {
    const definition = tables.find((t) => t.id === id);
    const table = resources.tables.get(id);
    if (!definition || !table) throw new Error(`${fn.node.path}: no table ${id} to grant.`);
    grantTable(fn, definition, table, grant);
    fn.addEnvironment(definition.envVar, table.tableName);
  }
  if (grants.pepperSecret) grantSecretValue(fn, resources.pepperSecret);
  if (grants.confirmationKeySecret) grantSecretValue(fn, resources.confirmationKeySecret);
  if (grants.documentsBucket === "read") grantDocumentsRead(fn, resources.documentsBucket);
  if (grants.sendEmail) {
    const stack = Stack.of(fn);
    const domain = resources.sesFromAddress.slice(resources.sesFromAddress.lastIndexOf("@") + 1);
    fn.addToRolePolicy(
      new iam.PolicyStatement({
        actions: ["ses:SendEmail"],
        resources: [
          stack.formatArn({ service: "ses", resource: "identity", resourceName: domain }),
          stack.formatArn({
            service: "ses",
            resource: "configuration-set",
            resourceName: resources.emailConfigurationSet.configurationSetName,
          }),
        ],
      }),
    );
  }
  if (grants.userPoolActions && grants.userPoolActions.length > 0) {
    resources.userPool.grant(fn, ...grants.userPoolActions);
  }
  if (grants.stepUpQueue === "send") grantSendMessage(fn, resources.stepUpQueue);
}

/**
 * One statement of the table's named actions (no Scan, no DescribeTable: every access pattern is a
 * key lookup or a Query, README "Data model"), one per action restricted to some key prefixes, and
 * dynamodb:Query on each named index.
 */
function grantTable(
  fn: lambda.Function,
  definition: TableDefinition,
  table: dynamodb.ITable,
  grant: TableGrant,
): void {
  const actions = grant.actions ?? [];
  const prefixed = grant.onlyKeysStartingWith ?? {};
  for (const action of Object.keys(prefixed) as TableAction[]) {
    if (!actions.includes(action)) {
      throw new Error(`${fn.node.path}: ${definition.id} restricts ${action}, which it does not grant.`);
    }
  }
  const open = actions.filter((action) => prefixed[action] === undefined);
  if (open.length > 0) {
    fn.addToRolePolicy(
      new iam.PolicyStatement({
        actions: open.map((action) => `dynamodb:${action}`),
        resources: [table.tableArn],
      }),
    );
  }
  for (const [action, prefixes] of Object.entries(prefixed)) {
    fn.addToRolePolicy(
      new iam.PolicyStatement({
        actions: [`dynamodb:${action}`],
        resources: [table.tableArn],
        conditions: {
          "ForAllValues:StringLike": { "dynamodb:LeadingKeys": prefixes.map((prefix) => `${prefix}*`) },
        },
      }),
    );
  }
  const indexes = [...(definition.globalIndexes ?? []), ...(definition.localIndexes ?? [])];
  for (const name of grant.queryIndexes ?? []) {
    if (!indexes.some((index) => index.name === name)) {
      throw new Error(`${fn.node.path}: table ${definition.id} has no index ${name}.`);
    }
  }
  if (grant.queryIndexes && grant.queryIndexes.length > 0) {
    fn.addToRolePolicy(
      new iam.PolicyStatement({
        actions: ["dynamodb:Query"],
        resources: grant.queryIndexes.map((name) => `${table.tableArn}/index/${name}`),
      }),
    );
  }
}

/**
 * secretsmanager:GetSecretValue, and not DescribeSecret as `grantRead` adds: Powertools' getSecret
 * sends GetSecretValue only; and kms:Decrypt on the secret's customer-managed key, only through
 * Secrets Manager. In the role's policy, not the key's: the key lives in the stateful stack, and a
 * key policy naming a stateless role would make each stack depend on the other (the key's default
 * policy lets the account's IAM policies grant its use).
 */
export function grantSecretValue(fn: lambda.Function, secret: secretsmanager.ISecret): void {
  fn.addToRolePolicy(
    new iam.PolicyStatement({ actions: ["secretsmanager:GetSecretValue"], resources: [secret.secretArn] }),
  );
  if (secret.encryptionKey)
    fn.addToRolePolicy(
      new iam.PolicyStatement({
        actions: ["kms:Decrypt"],
        resources: [secret.encryptionKey.keyArn],
        conditions: {
          StringEquals: { "kms:ViaService": `secretsmanager.${Stack.of(fn).region}.amazonaws.com` },
        },
      }),
    );
}

/**
 * sqs:SendMessage (SendMessageBatch too) on one queue, and not GetQueueAttributes and GetQueueUrl
 * as `grantSendMessages` adds: the functions have the queue's URL in their variables. SQS-managed
 * encryption needs no key grant; a customer-managed key would need GenerateDataKey and Decrypt.
 */
export function grantSendMessage(fn: lambda.Function, queue: sqs.IQueue): void {
  fn.addToRolePolicy(new iam.PolicyStatement({ actions: ["sqs:SendMessage"], resources: [queue.queueArn] }));
  queue.encryptionMasterKey?.grant(fn, "kms:GenerateDataKey", "kms:Decrypt");
}

/**
 * s3:GetObject on the documents, and nothing else (no listing, no versions, no writes): a presigned
 * link can do what its signer may do. In a policy of its own, so that the wildcard of "any document"
 * is acknowledged there and nowhere else.
 */
function grantDocumentsRead(fn: lambda.Function, bucket: s3.IBucket): void {
  const policy = new iam.Policy(fn, "DocumentsRead", {
    statements: [
      new iam.PolicyStatement({ actions: ["s3:GetObject"], resources: [bucket.arnForObjects("*")] }),
    ],
  });
  if (!fn.role) throw new Error(`${fn.node.path} has no role to grant the documents to.`);
  policy.attachToRole(fn.role);
  fn.addEnvironment(DOCUMENTS_BUCKET_ENV, bucket.bucketName);
  const reason =
    "The function links to the PDFs whose keys the billing system supplies (documentKey), so any object " +
    "of the documents bucket; the customer only gets the link of a document of their own bill or contract.";
  for (const arn of referenceForms(Stack.of(fn), bucket.node.defaultChild as CfnResource, "Arn")) {
    Validations.of(policy).acknowledge({ id: `AwsSolutions-IAM5[Resource::${arn}/*]`, reason });
  }
}

/**
 * How cdk-nag prints an attribute of a stateful resource inside a stateless policy: `<Id.Arn>` while
 * the tree is built (`validateScope`), and at synth, once CDK has turned it into the weak cross-stack
 * reference that cdk.json asks for (`Fn::GetStackOutput` of the output it publishes as
 * `Publish/Output{reference}` in the producer). Acknowledging a finding needs its exact text.
 */
function referenceForms(consumer: Stack, resource: CfnResource, attribute: string): string[] {
  const producer = Stack.of(resource);
  const logicalId = producer.resolve(resource.logicalId) as string;
  const forms = [`<${logicalId}.${attribute}>`];
  if (producer === consumer) return forms;
  const reference = JSON.stringify({ "Fn::GetAtt": [logicalId, attribute] });
  // The output's logical id is made from its path under the producer, as Names.uniqueId makes it.
  const scratch = new Construct(new Construct(undefined as unknown as Construct, ""), "Publish");
  const outputName = Names.uniqueId(new Construct(scratch, `Output${reference}`));
  const output = { StackName: producer.stackName, Region: producer.region, OutputName: outputName };
  forms.push(JSON.stringify({ "Fn::GetStackOutput": output }));
  return forms;
}
