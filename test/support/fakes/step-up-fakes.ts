import type {
  Challenge,
  ChallengeOutbox,
  Challenges,
  FailureBudget,
} from "../../../lambdas/domain/enrollment/ports";

/**
 * In-memory step-up ports with the adapters' conditions (failure-budget.ts, security-store.ts). The
 * budget counts exactly over a sliding hour (the adapter's 5-minute buckets count 55 to 60 minutes).
 */
export function fakeBudget(perHour: number) {
  const failures: number[] = [];
  const lastHour = (nowMs: number) => failures.filter((t) => t > nowMs - 3_600_000).length;
  const budget: FailureBudget = {
    async stepUp(now) {
      return lastHour(now.getTime()) >= perHour;
    },
    async recordFailure(now) {
      failures.push(now.getTime());
    },
  };
  return { budget, failures, lastHour };
}

export function fakeChallenges() {
  const items = new Map<string, Challenge & { tries: number }>();
  const live = (hash: string, now: Date) => {
    const item = items.get(hash);
    return item && item.expiresAt.getTime() > now.getTime() ? item : undefined;
  };
  const challenges: Challenges = {
    async create(hash, challenge) {
      if (items.has(hash)) throw new Error("ConditionalCheckFailedException");
      items.set(hash, { ...challenge, tries: 0 });
    },
    async find(hash, now) {
      const item = live(hash, now);
      return item
        ? { customerNumber: item.customerNumber, matched: item.matched, expiresAt: item.expiresAt }
        : null;
    },
    async tryCode(hash, now, maxTries) {
      const item = live(hash, now);
      if (!item || item.tries >= maxTries) return null;
      item.tries++;
      return { customerNumber: item.customerNumber, matched: item.matched, expiresAt: item.expiresAt };
    },
    async consume(hash) {
      return items.delete(hash);
    },
  };
  return { challenges, items };
}

export function fakeOutbox() {
  const announced: string[] = [];
  const outbox: ChallengeOutbox = {
    async announce(hash) {
      announced.push(hash);
    },
  };
  return { outbox, announced };
}
