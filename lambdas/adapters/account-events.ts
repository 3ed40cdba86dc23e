import { randomBytes } from "node:crypto";
import { type DynamoDBDocumentClient, PutCommand, QueryCommand } from "@aws-sdk/lib-dynamodb";
import { type AccountEvent, type AccountEvents, eventExpiryEpoch } from "../domain/support/account-events";

/** Attributes of an event item that are not the event itself. */
const KEYS = new Set(["customerNumber", "eventKey", "expiresAtEpoch"]);

function toEvent(item: Record<string, unknown>): AccountEvent {
  return Object.fromEntries(
    Object.entries(item).filter(([name]) => !KEYS.has(name)),
  ) as unknown as AccountEvent;
}

/**
 * The account events table: one item per event under the customer number, sorted by time. A random
 * suffix keeps two events of the same millisecond apart; each write is a new item, so a retried
 * write at worst records the event twice, never loses or changes another one.
 */
export function accountEvents(client: DynamoDBDocumentClient, table: string): AccountEvents {
  return { ...accountEventRecorder(client, table), ...accountEventReader(client, table) };
}

/** Only the write: what the verification function holds (its role may add events, never read them). */
export function accountEventRecorder(
  client: DynamoDBDocumentClient,
  table: string,
): Pick<AccountEvents, "record"> {
  return {
    async record(customerNumber, event) {
      await client.send(
        new PutCommand({
          TableName: table,
          Item: {
            ...event,
            customerNumber,
            eventKey: `${event.at}#${randomBytes(4).toString("hex")}`,
            expiresAtEpoch: eventExpiryEpoch(new Date(event.at)),
          },
        }),
      );
    },
  };
}

/** The account's events, newest first (support) or all (the export). */
export function accountEventReader(
  client: DynamoDBDocumentClient,
  table: string,
): Pick<AccountEvents, "recent" | "all"> {
  return {
    async recent(customerNumber, limit) {
      const out = await client.send(
        new QueryCommand({
          TableName: table,
          KeyConditionExpression: "customerNumber = :c",
          ExpressionAttributeValues: { ":c": customerNumber },
          ScanIndexForward: false,
          Limit: limit,
        }),
      );
      return (out.Items ?? []).map(toEvent);
    },
    async all(customerNumber) {
      const events: AccountEvent[] = [];
      let start: Record<string, unknown> | undefined;
      do {
        const out = await client.send(
          new QueryCommand({
            TableName: table,
            KeyConditionExpression: "customerNumber = :c",
            ExpressionAttributeValues: { ":c": customerNumber },
            ...(start ? { ExclusiveStartKey: start } : {}),
          }),
        );
        events.push(...(out.Items ?? []).map(toEvent));
        start = out.LastEvaluatedKey;
      } while (start);
      return events;
    },
  };
}
