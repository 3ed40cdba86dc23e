import { SendMessageBatchCommand, SendMessageCommand, SQSClient } from "@aws-sdk/client-sqs";
import type { DispatchTask, NoticeMessage } from "../definitions/notices";
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

/** The dispatch queue: one task per shard (the fan-out), or a shard's continuation. */
export function sqsDispatchQueue(client: SQSClient, queueUrl: string) {
  return {
    /** Puts every task on the queue, 10 to a call, the calls at once; throws if SQS refused any. */
    async send(tasks: readonly DispatchTask[]): Promise<void> {
      const batches: DispatchTask[][] = [];
      for (let i = 0; i < tasks.length; i += 10) batches.push(tasks.slice(i, i + 10));
      const outs = await Promise.all(
        batches.map((batch) =>
          client.send(
            new SendMessageBatchCommand({
              QueueUrl: queueUrl,
              Entries: batch.map((t, i) => ({ Id: String(i), MessageBody: JSON.stringify(t) })),
            }),
          ),
        ),
      );
      const refused = outs.reduce((n, out) => n + (out.Failed?.length ?? 0), 0);
      if (refused > 0) throw new Error(`the dispatch queue refused ${refused} of ${tasks.length} tasks`);
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
