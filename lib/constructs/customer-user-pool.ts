import { Duration, RemovalPolicy, Stack, Validations } from "aws-cdk-lib";
import * as cognito from "aws-cdk-lib/aws-cognito";
import { Construct } from "constructs";
import {
  CUSTOMER_NUMBER_CLAIM,
  userPoolDefinition,
  webClientAuthFlows,
} from "../../lambdas/definitions/user-pool";
import type { StageConfig } from "../config/stages";

export interface CustomerUserPoolProps {
  readonly stage: StageConfig;
  readonly userPoolName: string;
  /** SES configuration set of Cognito's own e-mails, when the stage sends them through SES. */
  readonly sesConfigurationSetName: string;
}

type CustomAttributeDefinition = (typeof userPoolDefinition.customAttributes)[number];
type WebClientDefinition = typeof userPoolDefinition.webClient;

function customAttribute(definition: CustomAttributeDefinition): cognito.ICustomAttribute {
  switch (definition.type) {
    case "String":
      return new cognito.StringAttribute({
        minLen: definition.minLength,
        maxLen: definition.maxLength,
        mutable: definition.mutable,
      });
    default: {
      const unsupported: never = definition.type;
      throw new Error(`Custom attribute type ${String(unsupported)} is not mapped to CDK yet.`);
    }
  }
}

/** Cognito flow names of the definition → CDK AuthFlow flags; null: CDK always allows it. */
const authFlowFlags: Readonly<Record<string, keyof cognito.AuthFlow | null>> = {
  USER_PASSWORD_AUTH: "userPassword",
  USER_SRP_AUTH: "userSrp",
  ADMIN_USER_PASSWORD_AUTH: "adminUserPassword",
  CUSTOM_AUTH: "custom",
  USER_AUTH: "user",
  // CDK adds ALLOW_REFRESH_TOKEN_AUTH to every client that allows any flow.
  REFRESH_TOKEN_AUTH: null,
};

function authFlows(names: readonly string[]): cognito.AuthFlow {
  const flows: Record<string, boolean> = {};
  for (const name of names) {
    const flag = authFlowFlags[name];
    if (flag === undefined) throw new Error(`Auth flow ${name} of the web client is not mapped to CDK.`);
    if (flag !== null) flows[flag] = true;
  }
  return flows as cognito.AuthFlow;
}

/** Cognito attribute names → CDK StandardAttributesMask keys. */
const standardAttributeKeys: Readonly<Record<string, keyof cognito.StandardAttributesMask>> = {
  address: "address",
  birthdate: "birthdate",
  email: "email",
  email_verified: "emailVerified",
  family_name: "familyName",
  gender: "gender",
  given_name: "givenName",
  locale: "locale",
  middle_name: "middleName",
  name: "fullname",
  nickname: "nickname",
  phone_number: "phoneNumber",
  phone_number_verified: "phoneNumberVerified",
  picture: "profilePicture",
  preferred_username: "preferredUsername",
  profile: "profilePage",
  updated_at: "lastUpdateTime",
  website: "website",
  zoneinfo: "timezone",
};

export function clientAttributes(names: readonly string[]): cognito.ClientAttributes {
  const standard: Record<string, boolean> = {};
  const custom: string[] = [];
  for (const name of names) {
    if (name.startsWith("custom:")) {
      custom.push(name);
      continue;
    }
    const key = standardAttributeKeys[name];
    if (key === undefined) throw new Error(`Attribute ${name} of the web client is not a Cognito attribute.`);
    standard[key] = true;
  }
  return new cognito.ClientAttributes()
    .withStandardAttributes(standard as cognito.StandardAttributesMask)
    .withCustomAttributes(...custom);
}

/** "user@example.ca" → "example.ca": the SES identity that Cognito sends from is the domain. */
function domainOf(address: string): string {
  const at = address.lastIndexOf("@");
  if (at < 0) throw new Error(`SES sender ${address} is not an e-mail address.`);
  return address.slice(at + 1);
}

/**
 * The customer user pool and its web client, as lambdas/definitions/user-pool.ts declares them (the
 * local stack creates the same pool on the emulator from the same definition).
 */
export class CustomerUserPool extends Construct {
  readonly userPool: cognito.UserPool;
  readonly webClient: cognito.UserPoolClient;

  constructor(scope: Construct, id: string, props: CustomerUserPoolProps) {
    super(scope, id);
    const { stage } = props;

    this.userPool = new cognito.UserPool(this, "UserPool", {
      userPoolName: props.userPoolName,
      // Profiles are created by the enrollment API after proof of account ownership, never directly.
      selfSignUpEnabled: false,
      signInAliases: { email: true },
      signInCaseSensitive: userPoolDefinition.signInCaseSensitive,
      // The API sends its own confirmation link and marks the e-mail verified itself.
      autoVerify: { email: false },
      customAttributes: Object.fromEntries(
        userPoolDefinition.customAttributes.map((attribute) => [attribute.name, customAttribute(attribute)]),
      ),
      // The contract's policy is a length (NIST SP 800-63B): no composition rules, as locally.
      passwordPolicy: {
        minLength: userPoolDefinition.passwordMinLength,
        requireLowercase: false,
        requireUppercase: false,
        requireDigits: false,
        requireSymbols: false,
      },
      accountRecovery: cognito.AccountRecovery.EMAIL_ONLY,
      mfa: cognito.Mfa.OFF,
      // Plus: adaptive authentication and compromised-credential checks against account takeover.
      featurePlan: cognito.FeaturePlan.PLUS,
      standardThreatProtectionMode:
        stage.userPool.threatProtection === "ENFORCED"
          ? cognito.StandardThreatProtectionMode.FULL_FUNCTION
          : cognito.StandardThreatProtectionMode.AUDIT_ONLY,
      email: stage.userPool.emailViaSes
        ? cognito.UserPoolEmail.withSES({
            fromEmail: stage.sesFromAddress,
            sesVerifiedDomain: domainOf(stage.sesFromAddress),
            sesRegion: Stack.of(this).region,
            configurationSetName: props.sesConfigurationSetName,
          })
        : cognito.UserPoolEmail.withCognito(),
      deletionProtection: stage.retainData,
      removalPolicy: stage.retainData ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY,
    });

    this.webClient = this.addWebClient(userPoolDefinition.webClient);

    Validations.of(this.userPool).acknowledge(
      {
        id: "AwsSolutions-COG1",
        reason:
          "The contract's password policy is a minimum length of 10 (NIST SP 800-63B favours length over " +
          "composition rules); the Plus plan's compromised-credential check refuses known-breached passwords.",
      },
      {
        id: "AwsSolutions-COG2",
        reason:
          "Customers sign in with e-mail and password as the contract specifies; the website has no MFA " +
          "enrollment. Threat protection (Plus plan) challenges or blocks risky sign-ins instead.",
      },
    );
  }

  private addWebClient(definition: WebClientDefinition): cognito.UserPoolClient {
    // The contract: the attribute linking a user to an account is writable by no app client.
    if ((definition.writeAttributes as readonly string[]).includes(CUSTOMER_NUMBER_CLAIM)) {
      throw new Error(`${CUSTOMER_NUMBER_CLAIM} must not be writable by the ${definition.id} client.`);
    }
    return this.userPool.addClient(definition.id, {
      userPoolClientName: definition.id,
      // A browser cannot keep a secret.
      generateSecret: false,
      // The deployed view: no USER_PASSWORD_AUTH, which only the local stack allows.
      authFlows: authFlows(webClientAuthFlows("deployed")),
      // The website signs in with SRP against Cognito's API; there is no hosted UI to configure.
      disableOAuth: true,
      readAttributes: clientAttributes(definition.readAttributes),
      // Without custom:customerNumber: no client can move a user to another account.
      writeAttributes: clientAttributes(definition.writeAttributes),
      idTokenValidity: Duration.minutes(definition.idTokenValidityMinutes),
      accessTokenValidity: Duration.minutes(definition.accessTokenValidityMinutes),
      refreshTokenValidity: Duration.days(definition.refreshTokenValidityDays),
      // No "user does not exist" answers: e-mail addresses cannot be enumerated through sign-in.
      preventUserExistenceErrors: true,
      enableTokenRevocation: true,
    });
  }
}
