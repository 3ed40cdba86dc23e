import { SendMessageBatchCommand, SendMessageCommand, SQSClient } from "@aws-sdk/client-sqs";
import type { NoticeMessage } from "../definitions/notices";
import type { ChallengeOutbox } from "../domain/enrollment/ports";
import type { NoticeQueue } from "../domain/notices/ports";

let shared: SQSClient | undefined;
export function sqsClient(): SQSClient {
  shared ??= new SQSClient({ maxAttempts: 5 });
  return shared;
}

/** The notice queue on SQS: batches of up to 10; refused entries are returned, never dropped silently. */
export function sqsNoticeQueue(client: SQSClient, queueUrl: string): NoticeQueue {
  return {
    async send(messages) {
      if (messages.length === 0) return [];
      const out = await client.send(
        new SendMessageBatchCommand({
          QueueUrl: queueUrl,
          Entries: messages.map((m, i) => ({ Id: String(i), MessageBody: JSON.stringify(m) })),
        }),
      );
      return (out.Failed ?? []).map((f) => messages[Number(f.Id)] as NoticeMessage);
    },
  };
}

/** The step-up code queue: the message names the challenge by its stored hash, nothing secret. */
export function sqsChallengeOutbox(client: SQSClient, queueUrl: string): ChallengeOutbox {
  return {
    async announce(challengeHash) {
      await client.send(
        new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: JSON.stringify({ challengeHash }) }),
      );
    },
  };
}
