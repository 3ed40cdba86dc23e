import { CloudFormationClient, DescribeStacksCommand } from "@aws-sdk/client-cloudformation";
import { GetSecretValueCommand, SecretsManagerClient } from "@aws-sdk/client-secrets-manager";
import { mockClient } from "aws-sdk-client-mock";
import { afterEach, describe, expect, it } from "vitest";
import { accountsTable, billsTable, contractsTable, profilesTable } from "../../lambdas/definitions/tables";
import { statefulOutputKeys, tableNameOutputKey } from "../../lib/stacks/stateful-stack";
import { ImportFileError } from "../../local/import/import-file";
import { stageTarget } from "../../local/import/target";

/** `npm run import -- … --stage NAME`: the deployed names come from the stateful stack's outputs. */
const cloudFormation = mockClient(CloudFormationClient);
const secrets = mockClient(SecretsManagerClient);
afterEach(() => {
  cloudFormation.reset();
  secrets.reset();
});

const outputs = {
  [tableNameOutputKey(accountsTable)]: "enrollment-staging-Accounts-X1",
  [tableNameOutputKey(billsTable)]: "enrollment-staging-Bills-X2",
  [tableNameOutputKey(contractsTable)]: "enrollment-staging-Contracts-X3",
  [statefulOutputKeys.pepperSecretName]: "enrollment-staging/access-code-pepper",
  // A closed account's profile is revoked: the profiles table and the user pool.
  [tableNameOutputKey(profilesTable)]: "enrollment-staging-Profiles-X4",
  [statefulOutputKeys.userPoolId]: "ca-central-1_Staging",
};

describe("stageTarget", () => {
  it("reads the table names and the pepper of the stage's stateful stack", async () => {
    cloudFormation.on(DescribeStacksCommand, { StackName: "Enrollment-staging-Stateful" }).resolves({
      Stacks: [
        {
          StackName: "Enrollment-staging-Stateful",
          CreationTime: new Date(),
          StackStatus: "UPDATE_COMPLETE",
          Outputs: Object.entries(outputs).map(([OutputKey, OutputValue]) => ({ OutputKey, OutputValue })),
        },
      ],
    });
    secrets
      .on(GetSecretValueCommand, { SecretId: "enrollment-staging/access-code-pepper" })
      .resolves({ SecretString: "p".repeat(64) });
    const target = await stageTarget("staging");
    try {
      expect(target.tables).toEqual({
        accounts: "enrollment-staging-Accounts-X1",
        bills: "enrollment-staging-Bills-X2",
        contracts: "enrollment-staging-Contracts-X3",
      });
      // A plain-string secret (every stage before versions) is the key ring's version "1".
      expect(target.pepper.current).toBe("1");
      expect(new TextDecoder().decode(target.pepper.keys.get("1"))).toBe("p".repeat(64));
      expect(target.noticeDelayDays).toBe(3);
      expect(target.removal).toBeDefined();
    } finally {
      target.close();
    }
  });

  it("hashes with the current version of a rotated pepper (a re-import moves accounts to it)", async () => {
    cloudFormation.on(DescribeStacksCommand).resolves({
      Stacks: [
        {
          StackName: "Enrollment-staging-Stateful",
          CreationTime: new Date(),
          StackStatus: "UPDATE_COMPLETE",
          Outputs: Object.entries(outputs).map(([OutputKey, OutputValue]) => ({ OutputKey, OutputValue })),
        },
      ],
    });
    const ring = { current: "2", keys: { "1": "p".repeat(64), "2": "q".repeat(64) } };
    secrets.on(GetSecretValueCommand).resolves({ SecretString: JSON.stringify(ring) });
    const target = await stageTarget("staging");
    try {
      expect(target.pepper.current).toBe("2");
      expect([...target.pepper.keys.keys()]).toEqual(["1", "2"]);
    } finally {
      target.close();
    }
  });

  it("says what to do when the stack cannot be read", async () => {
    cloudFormation
      .on(DescribeStacksCommand)
      .rejects(Object.assign(new Error("no"), { name: "ValidationError" }));
    await expect(stageTarget("prod")).rejects.toThrow(ImportFileError);
    await expect(stageTarget("prod")).rejects.toThrow(/Enrollment-prod-Stateful in ca-central-1 .*deployed/);
  });

  it("names the missing output of an older deployment", async () => {
    cloudFormation.on(DescribeStacksCommand).resolves({
      Stacks: [
        {
          StackName: "Enrollment-dev-Stateful",
          CreationTime: new Date(),
          StackStatus: "CREATE_COMPLETE",
          Outputs: [{ OutputKey: statefulOutputKeys.pepperSecretName, OutputValue: "x" }],
        },
      ],
    });
    secrets.on(GetSecretValueCommand).resolves({ SecretString: "p".repeat(64) });
    await expect(stageTarget("dev")).rejects.toThrow(/has no output AccountsTableName/);
  });
});
