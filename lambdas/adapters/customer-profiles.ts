import { type DynamoDBDocumentClient, GetCommand, UpdateCommand } from "@aws-sdk/lib-dynamodb";
import type { CustomerProfile, CustomerProfiles, ProfileChanges } from "../domain/customer/ports";
import { conditionFailureItem, isConditionFailure } from "./security-store";

/** The attributes of a profile that the signed-in customer's routes read. */
const PROJECTION =
  "customerNumber, #status, email, #language, billing, activatedAt, electronicSince, tokensRevokedAt";
const NAMES = { "#status": "status", "#language": "language" } as const;

function toCustomerProfile(item: Record<string, unknown> | undefined): CustomerProfile | undefined {
  if (!item) return undefined;
  const { customerNumber, status, email, language, billing, activatedAt, electronicSince, tokensRevokedAt } =
    item as unknown as CustomerProfile;
  return {
    customerNumber,
    status,
    email,
    language,
    billing,
    activatedAt,
    electronicSince,
    ...(tokensRevokedAt !== undefined ? { tokensRevokedAt } : {}),
  };
}

/**
 * The profiles table as the signed-in customer sees it: read, the two preferences changed with
 * conditional writes that only ever touch an ACTIVE profile, and the sign-out mark.
 */
export function customerProfiles(client: DynamoDBDocumentClient, table: string): CustomerProfiles {
  /** One conditional UpdateItem; undefined when its condition fails. */
  async function conditionalUpdate(
    customerNumber: string,
    set: Readonly<Record<string, unknown>>,
    condition: string,
    extraValues: Readonly<Record<string, unknown>> = {},
  ): Promise<CustomerProfile | undefined> {
    const names: Record<string, string> = { "#status": "status" };
    const values: Record<string, unknown> = { ":active": "ACTIVE", ...extraValues };
    const assignments = Object.entries(set).map(([attribute, value]) => {
      names[`#${attribute}`] = attribute;
      values[`:${attribute}`] = value;
      return `#${attribute} = :${attribute}`;
    });
    try {
      const out = await client.send(
        new UpdateCommand({
          TableName: table,
          Key: { customerNumber },
          UpdateExpression: `SET ${assignments.join(", ")}`,
          ConditionExpression: condition,
          ExpressionAttributeNames: names,
          ExpressionAttributeValues: values,
          ReturnValues: "ALL_NEW",
        }),
      );
      return toCustomerProfile(out.Attributes);
    } catch (error) {
      if (isConditionFailure(error)) return undefined;
      throw error;
    }
  }

  const profiles: CustomerProfiles = {
    async get(customerNumber) {
      const out = await client.send(
        new GetCommand({
          TableName: table,
          Key: { customerNumber },
          ProjectionExpression: PROJECTION,
          ExpressionAttributeNames: NAMES,
          ConsistentRead: true,
        }),
      );
      return toCustomerProfile(out.Item);
    },

    async update(customerNumber, changes: ProfileChanges, now) {
      const language = changes.language !== undefined ? { language: changes.language } : {};
      if (changes.billing === "electronic") {
        // From paper (or never set): electronic from now on, which is when notices resume.
        const switched = await conditionalUpdate(
          customerNumber,
          { billing: "electronic", electronicSince: now.toISOString(), ...language },
          "#status = :active AND (attribute_not_exists(#billing) OR #billing <> :electronicValue)",
          { ":electronicValue": "electronic" },
        );
        if (switched) return switched;
        // Already electronic (or not ACTIVE: the write below says which): electronicSince stays.
      }
      const set = { ...(changes.billing !== undefined ? { billing: changes.billing } : {}), ...language };
      if (Object.keys(set).length === 0) {
        const profile = await profiles.get(customerNumber);
        return profile?.status === "ACTIVE" ? profile : undefined;
      }
      return conditionalUpdate(customerNumber, set, "#status = :active");
    },

    async revokeTokens(customerNumber, at) {
      try {
        await client.send(
          new UpdateCommand({
            TableName: table,
            Key: { customerNumber },
            UpdateExpression: "SET tokensRevokedAt = :at",
            // Never creates a profile, and never moves a later mark back (ISO instants of
            // toISOString() sort as they compare): a retry, or a writer whose clock lags, is a no-op.
            ConditionExpression:
              "attribute_exists(customerNumber) AND (attribute_not_exists(tokensRevokedAt) OR tokensRevokedAt < :at)",
            ExpressionAttributeValues: { ":at": at.toISOString() },
            ReturnValuesOnConditionCheckFailure: "ALL_OLD",
          }),
        );
        return true;
      } catch (error) {
        if (!isConditionFailure(error)) throw error;
        // The item it saw: a later (or the same) mark already there; none: no profile at all.
        return conditionFailureItem(error) !== undefined;
      }
    },
  };
  return profiles;
}
