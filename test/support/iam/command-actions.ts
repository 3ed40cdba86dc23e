/**
 * What each AWS SDK v3 name a handler bundle uses asks of IAM. The least-privilege test
 * (test/infra/least-privilege.test.ts) fails on a name this table does not know, so that a new
 * command cannot slip in without its action: add it here, with the IAM action(s) its request is
 * authorized by (the "Actions" column of the service's page in the Service Authorization Reference).
 */

/** How one exported SDK name turns into IAM actions. */
export type SdkNameMeaning =
  /** A command (or paginator) whose request is authorized by these actions. */
  | { readonly kind: "sends"; readonly actions: readonly string[] }
  /** Each item of the request is authorized by its own action (a transaction): the function's expectation lists them. */
  | { readonly kind: "perItem"; readonly oneOf: readonly string[] }
  /** Sends nothing by itself. */
  | { readonly kind: "inert"; readonly why: string };

const sends = (...actions: string[]): SdkNameMeaning => ({ kind: "sends", actions });
const inert = (why: string): SdkNameMeaning => ({ kind: "inert", why });

const dynamodbItemActions = [
  "dynamodb:PutItem",
  "dynamodb:UpdateItem",
  "dynamodb:DeleteItem",
  "dynamodb:ConditionCheckItem",
];

/** DynamoDB's commands, the same for the document client's wrappers and the low-level client's. */
const dynamodb = (suffix: "" | "Item"): Readonly<Record<string, SdkNameMeaning>> => ({
  [`Get${suffix}Command`]: sends("dynamodb:GetItem"),
  [`Put${suffix}Command`]: sends("dynamodb:PutItem"),
  [`Update${suffix}Command`]: sends("dynamodb:UpdateItem"),
  [`Delete${suffix}Command`]: sends("dynamodb:DeleteItem"),
  QueryCommand: sends("dynamodb:Query"),
  ScanCommand: sends("dynamodb:Scan"),
  [`BatchGet${suffix}Command`]: sends("dynamodb:BatchGetItem"),
  [`BatchWrite${suffix}Command`]: sends("dynamodb:BatchWriteItem"),
  // TransactGetItems is authorized item by item, each by dynamodb:GetItem.
  [suffix ? "TransactGetItemsCommand" : "TransactGetCommand"]: sends("dynamodb:GetItem"),
  [suffix ? "TransactWriteItemsCommand" : "TransactWriteCommand"]: {
    kind: "perItem",
    oneOf: dynamodbItemActions,
  },
  paginateQuery: sends("dynamodb:Query"),
  paginateScan: sends("dynamodb:Scan"),
});

/** By package, then by exported name. */
export const sdkNames: Readonly<Record<string, Readonly<Record<string, SdkNameMeaning>>>> = {
  "@aws-sdk/lib-dynamodb": dynamodb(""),
  "@aws-sdk/client-dynamodb": { ...dynamodb("Item"), DescribeTableCommand: sends("dynamodb:DescribeTable") },
  "@aws-sdk/util-dynamodb": {
    marshall: inert("converts values locally"),
    unmarshall: inert("converts values locally"),
    convertToAttr: inert("converts values locally"),
    convertToNative: inert("converts values locally"),
  },
  "@aws-sdk/client-cognito-identity-provider": {
    AdminCreateUserCommand: sends("cognito-idp:AdminCreateUser"),
    AdminGetUserCommand: sends("cognito-idp:AdminGetUser"),
    AdminSetUserPasswordCommand: sends("cognito-idp:AdminSetUserPassword"),
    AdminDeleteUserCommand: sends("cognito-idp:AdminDeleteUser"),
    AdminUpdateUserAttributesCommand: sends("cognito-idp:AdminUpdateUserAttributes"),
    AdminUserGlobalSignOutCommand: sends("cognito-idp:AdminUserGlobalSignOut"),
    AdminDisableUserCommand: sends("cognito-idp:AdminDisableUser"),
    AdminEnableUserCommand: sends("cognito-idp:AdminEnableUser"),
    AdminResetUserPasswordCommand: sends("cognito-idp:AdminResetUserPassword"),
    ListUsersCommand: sends("cognito-idp:ListUsers"),
  },
  "@aws-sdk/client-sesv2": {
    SendEmailCommand: sends("ses:SendEmail"),
    SendBulkEmailCommand: sends("ses:SendBulkEmail"),
  },
  "@aws-sdk/client-sqs": {
    // A batch of messages is authorized by sqs:SendMessage (there is no SendMessageBatch action).
    SendMessageCommand: sends("sqs:SendMessage"),
    SendMessageBatchCommand: sends("sqs:SendMessage"),
    ChangeMessageVisibilityCommand: sends("sqs:ChangeMessageVisibility"),
    ChangeMessageVisibilityBatchCommand: sends("sqs:ChangeMessageVisibility"),
    DeleteMessageCommand: sends("sqs:DeleteMessage"),
    DeleteMessageBatchCommand: sends("sqs:DeleteMessage"),
    ReceiveMessageCommand: sends("sqs:ReceiveMessage"),
    GetQueueUrlCommand: sends("sqs:GetQueueUrl"),
    GetQueueAttributesCommand: sends("sqs:GetQueueAttributes"),
  },
  "@aws-sdk/client-s3": {
    // Presigned (getSignedUrl): the link's user acts with the signer's permissions.
    GetObjectCommand: sends("s3:GetObject"),
    HeadObjectCommand: sends("s3:GetObject"),
    PutObjectCommand: sends("s3:PutObject"),
    DeleteObjectCommand: sends("s3:DeleteObject"),
  },
  "@aws-sdk/s3-request-presigner": {
    getSignedUrl: inert("signs the command it is given, locally; that command is counted on its own"),
  },
  "@aws-sdk/client-secrets-manager": {
    // Powertools parameters' getSecret sends it.
    GetSecretValueCommand: sends("secretsmanager:GetSecretValue"),
    BatchGetSecretValueCommand: sends("secretsmanager:BatchGetSecretValue", "secretsmanager:GetSecretValue"),
    DescribeSecretCommand: sends("secretsmanager:DescribeSecret"),
  },
};

/**
 * Names that send nothing whatever their package: a bare client sends only the commands it is given
 * (DynamoDBClient's endpoint discovery and S3Client's S3 Express sessions are off or unused), and an
 * exception class is only compared with `instanceof`. An aggregated client (`DynamoDB`, `S3`) is not
 * matched: each of its methods is a command this test could not see.
 */
const inertPatterns: readonly { readonly pattern: RegExp; readonly why: string }[] = [
  { pattern: /^[A-Z][A-Za-z0-9]*Client$/, why: "a bare client sends only the commands it is given" },
  { pattern: /^[A-Z][A-Za-z0-9]*(Exception|Error)$/, why: "an error class, for instanceof" },
];

export function meaningOf(pkg: string, name: string): SdkNameMeaning | undefined {
  const listed = sdkNames[pkg]?.[name];
  if (listed) return listed;
  const rule = inertPatterns.find((r) => r.pattern.test(name));
  return rule ? inert(rule.why) : undefined;
}

/**
 * Actions that a granted action may bring along without any SDK command of the function asking for
 * them, and that the test therefore accepts next to it (never requires). Empty of use today: every
 * queue and the pepper secret use AWS-managed encryption, which needs no key grant.
 */
export const impliedActions: Readonly<Record<string, readonly string[]>> = {
  // A secret encrypted with a customer-managed key: Secrets Manager decrypts it with the caller's rights.
  "secretsmanager:GetSecretValue": ["kms:Decrypt"],
  // A queue encrypted with a customer-managed key (SSE-KMS).
  "sqs:SendMessage": ["kms:GenerateDataKey", "kms:Decrypt"],
  // An object encrypted with a customer-managed key (SSE-KMS): the presigned link's reader decrypts it.
  "s3:GetObject": ["kms:Decrypt"],
};
