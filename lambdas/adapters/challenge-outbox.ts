import type { ChallengeOutbox } from "../domain/enrollment/ports";
import { sqsChallengeOutbox, sqsClient } from "./sqs-queue";

/**
 * Where new step-up challenges go: the stage's SQS queue, or, in the local stack (which has no
 * SQS), the stand-in it installs, which hands them to the same code-sender handler as SQS events.
 */
let local: ChallengeOutbox | undefined;

export function useLocalChallengeOutbox(outbox: ChallengeOutbox | undefined): void {
  local = outbox;
}

/** Resolved at each call: a function that never steps up never needs the queue's URL. */
export function challengeOutbox(queueUrl: () => string): ChallengeOutbox {
  let sqs: ChallengeOutbox | undefined;
  return {
    announce(challengeHash) {
      if (local) return local.announce(challengeHash);
      sqs ??= sqsChallengeOutbox(sqsClient(), queueUrl());
      return sqs.announce(challengeHash);
    },
  };
}
