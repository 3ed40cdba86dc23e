import { type DynamoDBDocumentClient, GetCommand } from "@aws-sdk/lib-dynamodb";
import type { SupportAccounts, SupportProfile } from "../domain/support/ports";

/** The account as the billing system sent it, as much as support may see: no hash, no phone. */
export function supportAccounts(client: DynamoDBDocumentClient, table: string): SupportAccounts {
  return {
    async account(customerNumber) {
      const out = await client.send(
        new GetCommand({
          TableName: table,
          Key: { customerNumber },
          ProjectionExpression: "customerNumber, contactEmail, #s, #l",
          ExpressionAttributeNames: { "#s": "status", "#l": "language" },
          ConsistentRead: true,
        }),
      );
      const item = out.Item;
      return {
        known: item !== undefined,
        closed: item?.status === "closed",
        language: item?.language === "en" ? "en" : "fr",
        hasContactEmail: typeof item?.contactEmail === "string" && item.contactEmail !== "",
      };
    },
  };
}

/** The profile fields of `support status` (the use case masks the e-mail). */
export function supportProfiles(client: DynamoDBDocumentClient, table: string) {
  return {
    async get(customerNumber: string): Promise<SupportProfile | undefined> {
      const out = await client.send(
        new GetCommand({
          TableName: table,
          Key: { customerNumber },
          ProjectionExpression:
            "#s, email, pendingEmail, billing, #l, updatedAt, activatedAt, supportFlag, flaggedAt",
          ExpressionAttributeNames: { "#s": "status", "#l": "language" },
          ConsistentRead: true,
        }),
      );
      return out.Item as SupportProfile | undefined;
    },
  };
}
