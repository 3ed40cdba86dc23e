import { BatchGetCommand, type DynamoDBDocumentClient, UpdateCommand } from "@aws-sdk/lib-dynamodb";
import type {
  AccountContacts,
  Challenge,
  ChallengeOutbox,
  Challenges,
  FailureBudget,
  StepUpCodeMail,
  StepUpMailer,
} from "../../../lambdas/domain/enrollment/ports";
import type { Language } from "../../../lambdas/domain/language";

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

/** A stored challenge's pepper version, as the adapter reads it back (absent when none was written). */
const version = (item: Challenge) => (item.keyVersion ? { keyVersion: item.keyVersion } : {});

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
        ? {
            customerNumber: item.customerNumber,
            matched: item.matched,
            expiresAt: item.expiresAt,
            ...version(item),
          }
        : null;
    },
    async tryCode(hash, now, maxTries) {
      const item = live(hash, now);
      if (!item || item.tries >= maxTries) return null;
      item.tries++;
      return {
        customerNumber: item.customerNumber,
        matched: item.matched,
        expiresAt: item.expiresAt,
        ...version(item),
      };
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

/**
 * The security table as the real budget adapter (failure-budget.ts) uses it, on a Map: its one
 * UpdateItem (`ADD failures`) and BatchGetItem. With it the adapter itself, 5-minute buckets,
 * shards and per-instance cache included, runs on a simulated clock (the guessing benchmark: one
 * adapter per simulated Lambda instance, one table). TTL is not simulated: the adapter reads only
 * the keys of the current hour.
 */
export function fakeBudgetTable() {
  const items = new Map<string, { failures: number; expiresAtEpoch: number }>();
  async function send(command: unknown): Promise<unknown> {
    if (command instanceof UpdateCommand) {
      const { Key, UpdateExpression, ExpressionAttributeValues: values = {} } = command.input;
      // Any other update means the adapter changed: fail loudly rather than count wrong.
      if (UpdateExpression !== "ADD failures :one SET expiresAtEpoch = :exp") {
        throw new Error(`fakeBudgetTable: unexpected update "${UpdateExpression}"`);
      }
      const pk = String(Key?.pk);
      const failures = (items.get(pk)?.failures ?? 0) + Number(values[":one"]);
      items.set(pk, { failures, expiresAtEpoch: Number(values[":exp"]) });
      return {};
    }
    if (command instanceof BatchGetCommand) {
      const responses: Record<string, Record<string, unknown>[]> = {};
      for (const [table, read] of Object.entries(command.input.RequestItems ?? {})) {
        responses[table] = (read.Keys ?? []).flatMap((key) => {
          const item = items.get(String(key.pk));
          return item ? [{ pk: key.pk, ...item }] : [];
        });
      }
      return { Responses: responses };
    }
    throw new Error(`fakeBudgetTable: unexpected command ${(command as object).constructor.name}`);
  }
  return { client: { send } as unknown as DynamoDBDocumentClient, items };
}

/** The contact details on file (a function of the customer number) and a mailbox of step-up codes. */
export function fakeStepUpMail(
  contactOf: (customerNumber: string) => { readonly email?: string; readonly language: Language } | undefined,
) {
  const sent: StepUpCodeMail[] = [];
  const contacts: AccountContacts = {
    async contactOf(customerNumber) {
      return contactOf(customerNumber);
    },
  };
  const mailer: StepUpMailer = {
    async sendStepUpCode(mail) {
      sent.push({ ...mail });
    },
  };
  return { contacts, mailer, sent };
}
