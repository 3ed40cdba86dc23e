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
import { tables } from "../../lambdas/definitions/tables";

/** What one function may do with the stage's resources; everything not listed is denied. */
export interface FunctionGrants {
  /**
   * By table definition id ("Accounts", …); the function also gets the table's name variable.
   * "getItem" is for a function that only ever reads items by their key (no Query, no index).
   */
  readonly tables?: Readonly<Record<string, TableAccess>>;
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

export type TableAccess = "getItem" | "read" | "readWrite";

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
  // Reads the account's hashes and profile; in the security table writes attempt counters and
  // verification tokens, adds to the failure budget's counters and reads them (BatchGetItem), creates
  // step-up challenges, counts their tries and consumes them (DeleteItem); queues each new challenge
  // for its code e-mail.
  verifications: {
    tables: { Accounts: "read", Profiles: "read", Security: "readWrite" },
    pepperSecret: true,
    stepUpQueue: "send",
  },
  // Consumes the verification token, locks and writes the profile, creates the Cognito user, e-mails.
  enrollments: {
    tables: { Profiles: "readWrite", Security: "readWrite" },
    confirmationKeySecret: true,
    sendEmail: true,
    userPoolActions: [
      "cognito-idp:AdminCreateUser",
      "cognito-idp:AdminGetUser",
      "cognito-idp:AdminSetUserPassword",
      "cognito-idp:AdminDeleteUser",
    ],
  },
  // Reads the confirmation token, activates the profile, marks the e-mail verified; reads the
  // account's contact address and tells it ("was this you?").
  confirmation: {
    tables: { Profiles: "readWrite", Security: "read", Accounts: "getItem" },
    sendEmail: true,
    userPoolActions: ["cognito-idp:AdminGetUser", "cognito-idp:AdminUpdateUserAttributes"],
  },
  // The signed-in customer's routes: the customer number comes from the authorizer.
  // Reads the profile, changes billing and language (conditional updates); the language also
  // becomes the Cognito user's locale; signs the customer out everywhere (revokes the user's
  // refresh tokens, writes the profile's sign-out mark).
  me: {
    tables: { Profiles: "readWrite" },
    userPoolActions: ["cognito-idp:AdminUpdateUserAttributes", "cognito-idp:AdminUserGlobalSignOut"],
  },
  // Reads the customer's bills; presigns links to their PDFs.
  meBills: { tables: { Bills: "read" }, documentsBucket: "read" },
  // Reads the customer's contract; presigns a link to its PDF.
  meContract: { tables: { Contracts: "read" }, documentsBucket: "read" },
};

/**
 * The Lambda authorizer of the signed-in routes: reads the profile of the token's account, and asks
 * the user pool for the customer number and e-mail of an access token's user.
 */
export const authorizerGrants: FunctionGrants = {
  tables: { Profiles: "read" },
  userPoolActions: ["cognito-idp:AdminGetUser"],
};

/**
 * The step-up code sender (lib/constructs/step-up-pipeline.ts): reads the challenge by its key, the
 * account's contact address and language by its key, derives the code with the pepper, e-mails it.
 * Its queue's consume actions come with its event source.
 */
export const stepUpCodesGrants: FunctionGrants = {
  tables: { Security: "getItem", Accounts: "getItem" },
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

const TABLE_READ_ACTIONS = [
  "dynamodb:GetItem",
  "dynamodb:BatchGetItem",
  "dynamodb:Query",
  "dynamodb:ConditionCheckItem",
  "dynamodb:DescribeTable",
];
const TABLE_WRITE_ACTIONS = [
  "dynamodb:PutItem",
  "dynamodb:UpdateItem",
  "dynamodb:DeleteItem",
  "dynamodb:BatchWriteItem",
];
const TABLE_ACTIONS: Readonly<Record<TableAccess, readonly string[]>> = {
  getItem: ["dynamodb:GetItem"],
  read: TABLE_READ_ACTIONS,
  readWrite: [...TABLE_READ_ACTIONS, ...TABLE_WRITE_ACTIONS],
};

/** Applies one function's grants, and gives it the names of the tables it may use. */
export function applyGrants(
  fn: lambda.Function,
  grants: FunctionGrants,
  resources: GrantableResources,
): void {
  for (const [id, access] of Object.entries(grants.tables ?? {})) {
    const definition = tables.find((t) => t.id === id);
    const table = resources.tables.get(id);
    if (!definition || !table) throw new Error(`${fn.node.path}: no table ${id} to grant.`);
    // Each index by name rather than the table's "index/*": no wildcard, and no Scan either (every
    // access pattern is a key lookup or a Query, README "Data model"). GetItem never reads an index.
    const indexes =
      access === "getItem"
        ? []
        : [...(definition.globalIndexes ?? []), ...(definition.localIndexes ?? [])].map(
            (index) => `${table.tableArn}/index/${index.name}`,
          );
    fn.addToRolePolicy(
      new iam.PolicyStatement({
        actions: [...TABLE_ACTIONS[access]],
        resources: [table.tableArn, ...indexes],
      }),
    );
    fn.addEnvironment(definition.envVar, table.tableName);
  }
  if (grants.pepperSecret) resources.pepperSecret.grantRead(fn);
  if (grants.confirmationKeySecret) resources.confirmationKeySecret.grantRead(fn);
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
  // SendMessage, GetQueueAttributes and GetQueueUrl on this one queue; SQS-managed encryption needs
  // no key grant.
  if (grants.stepUpQueue === "send") resources.stepUpQueue.grantSendMessages(fn);
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
