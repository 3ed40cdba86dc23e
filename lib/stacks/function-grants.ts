import { Stack } from "aws-cdk-lib";
import type * as cognito from "aws-cdk-lib/aws-cognito";
import type * as dynamodb from "aws-cdk-lib/aws-dynamodb";
import * as iam from "aws-cdk-lib/aws-iam";
import type * as lambda from "aws-cdk-lib/aws-lambda";
import type * as s3 from "aws-cdk-lib/aws-s3";
import type * as secretsmanager from "aws-cdk-lib/aws-secretsmanager";
import type * as ses from "aws-cdk-lib/aws-ses";
import type { ApiFunctionName } from "../../lambdas/definitions/routes";
import { tables } from "../../lambdas/definitions/tables";

/** What one function may do with the stateful resources; everything not listed is denied. */
export interface FunctionGrants {
  /** By table definition id ("Accounts", …); the function also gets the table's name variable. */
  readonly tables?: Readonly<Record<string, "read" | "readWrite">>;
  readonly pepperSecret?: boolean;
  readonly documentsBucket?: "read";
  /** ses:SendEmail from the stage's sender, through the stage's configuration set. */
  readonly sendEmail?: boolean;
  /** cognito-idp actions on the customer user pool, e.g. "cognito-idp:AdminCreateUser". */
  readonly userPoolActions?: readonly string[];
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
  // Reads the account's hashes and profile, writes attempt counters and verification tokens.
  verifications: {
    tables: { Accounts: "read", Profiles: "read", Security: "readWrite" },
    pepperSecret: true,
  },
  // Consumes the verification token, locks and writes the profile, creates the Cognito user, e-mails.
  enrollments: {
    tables: { Profiles: "readWrite", Security: "readWrite" },
    pepperSecret: true,
    sendEmail: true,
    userPoolActions: [
      "cognito-idp:AdminCreateUser",
      "cognito-idp:AdminGetUser",
      "cognito-idp:AdminSetUserPassword",
      "cognito-idp:AdminDeleteUser",
    ],
  },
  // Reads the confirmation token, activates the profile, marks the e-mail verified.
  confirmation: {
    tables: { Profiles: "readWrite", Security: "read" },
    userPoolActions: ["cognito-idp:AdminGetUser", "cognito-idp:AdminUpdateUserAttributes"],
  },
};

export interface StatefulResources {
  readonly tables: ReadonlyMap<string, dynamodb.ITable>;
  readonly pepperSecret: secretsmanager.ISecret;
  readonly documentsBucket: s3.IBucket;
  readonly userPool: cognito.IUserPool;
  readonly emailConfigurationSet: ses.IConfigurationSet;
  readonly sesFromAddress: string;
}

/** Applies one function's grants, and gives it the names of the tables it may use. */
export function applyGrants(fn: lambda.Function, grants: FunctionGrants, resources: StatefulResources): void {
  for (const [id, access] of Object.entries(grants.tables ?? {})) {
    const definition = tables.find((t) => t.id === id);
    const table = resources.tables.get(id);
    if (!definition || !table) throw new Error(`${fn.node.path}: no table ${id} to grant.`);
    if (access === "read") table.grantReadData(fn);
    else table.grantReadWriteData(fn);
    fn.addEnvironment(definition.envVar, table.tableName);
  }
  if (grants.pepperSecret) resources.pepperSecret.grantRead(fn);
  if (grants.documentsBucket === "read") resources.documentsBucket.grantRead(fn);
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
}
