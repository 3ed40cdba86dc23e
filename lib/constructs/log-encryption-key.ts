import { ArnFormat, Duration, RemovalPolicy, Stack } from "aws-cdk-lib";
import * as iam from "aws-cdk-lib/aws-iam";
import * as kms from "aws-cdk-lib/aws-kms";
import type { Construct } from "constructs";

const KEY_ID = "LogEncryptionKey";

/**
 * The customer-managed KMS key of every log group of a stack (function logs, API access logs, WAF
 * logs), made once per stack. CloudWatch Logs uses it on behalf of the log groups of this account
 * and region only. Kept as long as the log groups it encrypts: a retained log group whose key is
 * gone cannot be read.
 */
export function logEncryptionKey(scope: Construct, options: { retain: boolean }): kms.IKey {
  const stack = Stack.of(scope);
  const existing = stack.node.tryFindChild(KEY_ID);
  if (existing) return existing as kms.Key;
  const key = new kms.Key(stack, KEY_ID, {
    description: `Encrypts the CloudWatch log groups of ${stack.stackName}`,
    enableKeyRotation: true,
    removalPolicy: options.retain ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY,
    pendingWindow: Duration.days(7),
  });
  key.addToResourcePolicy(
    new iam.PolicyStatement({
      sid: "CloudWatchLogsOfThisAccount",
      principals: [new iam.ServicePrincipal(`logs.${stack.region}.amazonaws.com`)],
      actions: ["kms:Encrypt*", "kms:Decrypt*", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:Describe*"],
      resources: ["*"],
      conditions: {
        ArnLike: {
          "kms:EncryptionContext:aws:logs:arn": stack.formatArn({
            service: "logs",
            resource: "log-group",
            resourceName: "*",
            arnFormat: ArnFormat.COLON_RESOURCE_NAME,
          }),
        },
      },
    }),
  );
  return key;
}
