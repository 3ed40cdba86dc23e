import { RemovalPolicy } from "aws-cdk-lib";
import * as dynamodb from "aws-cdk-lib/aws-dynamodb";
import type { Construct } from "constructs";
import type { IndexDefinition, KeyAttribute, TableDefinition } from "../../lambdas/definitions/tables";

export interface DefinitionTableProps {
  readonly definition: TableDefinition;
  readonly tableName: string;
  /** Production: RETAIN and deletion protection. Elsewhere: DESTROY. */
  readonly retainData: boolean;
}

const attributeTypes = {
  S: dynamodb.AttributeType.STRING,
  N: dynamodb.AttributeType.NUMBER,
} as const satisfies Record<KeyAttribute["type"], dynamodb.AttributeType>;

function attribute(key: KeyAttribute): dynamodb.Attribute {
  return { name: key.name, type: attributeTypes[key.type] };
}

function projection(index: IndexDefinition): {
  projectionType: dynamodb.ProjectionType;
  nonKeyAttributes?: string[];
} {
  if (index.projection === "ALL") return { projectionType: dynamodb.ProjectionType.ALL };
  if (index.projection === "KEYS_ONLY") return { projectionType: dynamodb.ProjectionType.KEYS_ONLY };
  return { projectionType: dynamodb.ProjectionType.INCLUDE, nonKeyAttributes: [...index.projection] };
}

/**
 * A DynamoDB table exactly as lambdas/definitions/tables.ts declares it (keys, indexes, TTL), with the
 * settings every table of the system shares.
 */
export function definitionTable(scope: Construct, props: DefinitionTableProps): dynamodb.Table {
  const { definition } = props;
  const table = new dynamodb.Table(scope, definition.id, {
    tableName: props.tableName,
    partitionKey: attribute(definition.partitionKey),
    sortKey: definition.sortKey ? attribute(definition.sortKey) : undefined,
    // Traffic is spiky (monthly bill runs, enrollment campaigns) and small: on-demand fits both.
    billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
    // An AWS managed KMS key: key use is audited in CloudTrail, with no key policy of ours to get wrong.
    encryption: dynamodb.TableEncryption.AWS_MANAGED,
    timeToLiveAttribute: definition.ttlAttribute,
    pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
    deletionProtection: props.retainData,
    removalPolicy: props.retainData ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY,
  });
  for (const index of definition.localIndexes ?? []) {
    // A local index shares the table's partition key by nature; a definition saying otherwise is a typo.
    if (!index.sortKey || index.partitionKey.name !== definition.partitionKey.name) {
      throw new Error(
        `Local index ${definition.id}.${index.name}: the table's partition key and a sort key.`,
      );
    }
    table.addLocalSecondaryIndex({
      indexName: index.name,
      sortKey: attribute(index.sortKey),
      ...projection(index),
    });
  }
  for (const index of definition.globalIndexes ?? []) {
    table.addGlobalSecondaryIndex({
      indexName: index.name,
      partitionKey: attribute(index.partitionKey),
      sortKey: index.sortKey ? attribute(index.sortKey) : undefined,
      ...projection(index),
    });
  }
  return table;
}
