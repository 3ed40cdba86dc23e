import { readFileSync } from "node:fs";
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { SESv2Client } from "@aws-sdk/client-sesv2";
import { GetCommand, PutCommand } from "@aws-sdk/lib-dynamodb";
import { NodeHttpHandler } from "@smithy/node-http-handler";
import { afterAll, beforeAll, describe, expect, inject, it, vi } from "vitest";
import { createDocumentClient } from "../../lambdas/adapters/dynamodb";
import { noticeDeps } from "../../lambdas/adapters/notice-deps";
import { readNoticeState } from "../../lambdas/adapters/notice-store";
import { pendingBills } from "../../lambdas/adapters/pending-bills";
import { decodePepper } from "../../lambdas/adapters/pepper";
import { runtimeConfig } from "../../lambdas/adapters/runtime-config";
import {
  accountsTable,
  billsTable,
  contractsTable,
  noticesTable,
  profilesTable,
  tableName,
} from "../../lambdas/definitions/tables";
import { addDays } from "../../lambdas/domain/dates";
import { type ImportTarget, importBillingFile } from "../../local/import/import-file";
import { type RunNoticesDeps, runNotices } from "../../local/notices/run-notices";
import { ensureTables } from "../../local/provision";
import { LOCAL_CREDENTIALS, LOCAL_REGION } from "../../local/settings";
import { tempFiles } from "../support/temp-files";

/**
 * The notice pipeline on DynamoDB Local and the SES emulator, through the real adapters and
 * `runNotices` (what `npm run notices` runs). The tables are this file's own (a prefix of its own),
 * so that the counts are exact while other files share the emulators; the mailbox is shared, so
 * every address here is under @notices-it.example.
 */

const { endpoints, environment } = inject("localStack");
const PREFIX = `notices-it-${process.pid}`;
const T = {
  accounts: tableName(PREFIX, accountsTable),
  bills: tableName(PREFIX, billsTable),
  contracts: tableName(PREFIX, contractsTable),
  profiles: tableName(PREFIX, profilesTable),
  notices: tableName(PREFIX, noticesTable),
};
const credentials = { region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS };
const rawDynamo = new DynamoDBClient({ ...credentials, endpoint: endpoints.dynamodb });
const ddb = createDocumentClient(rawDynamo);
const ses = new SESv2Client({
  ...credentials,
  endpoint: endpoints.ses,
  requestHandler: new NodeHttpHandler({ connectionTimeout: 1000, requestTimeout: 5000 }),
});
const pepper = decodePepper(readFileSync(environment.PEPPER_FILE as string, "utf8").trim());
const files = tempFiles("notices-it");
const handlerEnv = {
  ...environment,
  [accountsTable.envVar]: T.accounts,
  [billsTable.envVar]: T.bills,
  [contractsTable.envVar]: T.contracts,
  [profilesTable.envVar]: T.profiles,
  [noticesTable.envVar]: T.notices,
};
const config = runtimeConfig(handlerEnv);
const target: ImportTarget = {
  client: ddb,
  tables: { accounts: T.accounts, bills: T.bills, contracts: T.contracts },
  pepper,
  noticeDelayDays: 3,
};

const TODAY = "2026-11-20";
/** 10:00 in Toronto on TODAY: the sender checks the rules against the date of `now`. */
let nowMs = Date.parse("2026-11-20T15:00:00.000Z");
const LINK = `${config.webBaseUrl.replace(/\/+$/, "")}/factures`;

function deps(): RunNoticesDeps {
  const base = noticeDeps(config, { dynamodb: ddb, ses });
  // A small page size, so that the index is read in several pages per shard.
  return { ...base, bills: pendingBills(ddb, T.bills, { pageSize: 2 }), now: () => new Date(nowMs) };
}

const run = (options: { dryRun?: boolean } = {}) =>
  runNotices(TODAY, deps(), { sendRatePerSecond: 1000, ...options });

// ---------------------------------------------------------------------------------------------
// The customers: one per rule
// ---------------------------------------------------------------------------------------------

interface Customer {
  readonly customerNumber: string;
  readonly language: "fr" | "en";
  readonly balance: string;
  readonly profile?: Record<string, unknown>;
  /** Bills: availability date (billing date = it minus 3 days) and amount due. */
  readonly bills: readonly { availableOn: string; amountDue: string }[];
}

const email = (customerNumber: string) => `n${customerNumber}@notices-it.example`;
const LONG_AGO = "2026-01-15T15:00:00.000Z";
const activeProfile = (
  customerNumber: string,
  language: "fr" | "en",
  more: Record<string, unknown> = {},
) => ({
  customerNumber,
  status: "ACTIVE",
  billing: "electronic",
  email: email(customerNumber),
  language,
  activatedAt: LONG_AGO,
  electronicSince: LONG_AGO,
  ...more,
});

const C = {
  fr: "9240001",
  en: "9240002",
  zero: "9240003",
  credit: "9240004",
  paper: "9240005",
  pending: "9240006",
  noProfile: "9240007",
  activatedYesterdayEvening: "9240008",
  switchedBack: "9240009",
  stale: "9240010",
  future: "9240011",
  transientBounce: "9240012",
  complaint: "9240013",
} as const;

const customers: Customer[] = [
  {
    customerNumber: C.fr,
    language: "fr",
    balance: "73.15",
    profile: activeProfile(C.fr, "fr"),
    bills: [{ availableOn: TODAY, amountDue: "73.15" }],
  },
  {
    customerNumber: C.en,
    language: "en",
    balance: "1234.50",
    profile: activeProfile(C.en, "en"),
    bills: [{ availableOn: "2026-11-18", amountDue: "1234.50" }],
  },
  {
    customerNumber: C.zero,
    language: "fr",
    balance: "0.00",
    profile: activeProfile(C.zero, "fr"),
    bills: [{ availableOn: TODAY, amountDue: "0.00" }],
  },
  {
    customerNumber: C.credit,
    language: "fr",
    balance: "-0.01",
    profile: activeProfile(C.credit, "fr"),
    bills: [{ availableOn: TODAY, amountDue: "-0.01" }],
  },
  {
    customerNumber: C.paper,
    language: "fr",
    balance: "50.00",
    profile: activeProfile(C.paper, "fr", { billing: "paper" }),
    bills: [{ availableOn: TODAY, amountDue: "50.00" }],
  },
  {
    customerNumber: C.pending,
    language: "en",
    balance: "50.00",
    profile: activeProfile(C.pending, "en", { status: "PENDING_CONFIRMATION" }),
    bills: [{ availableOn: TODAY, amountDue: "50.00" }],
  },
  {
    customerNumber: C.noProfile,
    language: "fr",
    balance: "50.00",
    bills: [{ availableOn: TODAY, amountDue: "50.00" }],
  },
  {
    // Activated at 22:30 on 2026-11-18 in Toronto (03:30Z on the 19th): the bill of the 18th is
    // on the activation day (sent), the one of the 17th is before it (settled without a notice).
    customerNumber: C.activatedYesterdayEvening,
    language: "fr",
    balance: "42.00",
    profile: activeProfile(C.activatedYesterdayEvening, "fr", {
      activatedAt: "2026-11-19T03:30:00.000Z",
      electronicSince: "2026-11-19T03:30:00.000Z",
    }),
    bills: [
      { availableOn: "2026-11-18", amountDue: "42.00" },
      { availableOn: "2026-11-17", amountDue: "41.00" },
    ],
  },
  {
    // Back to electronic bills on 2026-11-19: the bill of the 16th is before the switch.
    customerNumber: C.switchedBack,
    language: "en",
    balance: "30.00",
    profile: activeProfile(C.switchedBack, "en", { electronicSince: "2026-11-19T14:00:00.000Z" }),
    bills: [{ availableOn: "2026-11-16", amountDue: "30.00" }],
  },
  {
    customerNumber: C.stale,
    language: "fr",
    balance: "30.00",
    profile: activeProfile(C.stale, "fr"),
    bills: [{ availableOn: addDays(TODAY, -8), amountDue: "30.00" }],
  },
  {
    customerNumber: C.future,
    language: "fr",
    balance: "30.00",
    profile: activeProfile(C.future, "fr"),
    bills: [{ availableOn: addDays(TODAY, 1), amountDue: "30.00" }],
  },
  {
    customerNumber: C.transientBounce,
    language: "en",
    balance: "12.34",
    profile: activeProfile(C.transientBounce, "en"),
    bills: [{ availableOn: TODAY, amountDue: "12.34" }],
  },
  {
    customerNumber: C.complaint,
    language: "fr",
    balance: "12.34",
    profile: activeProfile(C.complaint, "fr"),
    bills: [{ availableOn: TODAY, amountDue: "12.34" }],
  },
];

const billId = (customerNumber: string, availableOn: string) => `B-${availableOn}-${customerNumber}`;

const ELIGIBLE: readonly [customerNumber: string, availableOn: string][] = [
  [C.fr, TODAY],
  [C.en, "2026-11-18"],
  [C.zero, TODAY],
  [C.activatedYesterdayEvening, "2026-11-18"],
  [C.transientBounce, TODAY],
  [C.complaint, TODAY],
];

function accountsCsv(list: readonly Customer[]): string {
  const rows = list.map(
    (c) =>
      `${c.customerNumber},24680,4505551234,J4K1A1,84.37,${c.language},${c.balance},Client ${c.customerNumber}`,
  );
  return `customerNumber,accessCode,phone,postalCode,lastDebitAmount,language,balance,fullName\n${rows.join("\n")}\n`;
}

function billsCsv(list: readonly Customer[]): string {
  const rows = list.flatMap((c) =>
    c.bills.map((b) => {
      const billingDate = addDays(b.availableOn, -3);
      return `${billId(c.customerNumber, b.availableOn)},${c.customerNumber},${billingDate},${addDays(billingDate, 21)},${b.amountDue},${c.balance}`;
    }),
  );
  return `billId,customerNumber,billingDate,dueDate,amountDue,balance\n${rows.join("\n")}\n`;
}

async function importFile(kind: "accounts" | "bills", content: string): Promise<void> {
  const rejected: string[] = [];
  const summary = await importBillingFile({
    kind,
    file: files.write(content),
    target,
    onRejected: (r) => rejected.push(`${r.line} ${r.field} ${r.reason}`),
  });
  expect(rejected).toEqual([]);
  expect(summary.rejected).toBe(0);
}

// ---------------------------------------------------------------------------------------------
// The mailbox
// ---------------------------------------------------------------------------------------------

interface StoredEmail {
  messageId: string;
  from: string;
  destination: { to: string[] };
  subject: string;
  body: { text?: string; html?: string };
}

async function mailbox(): Promise<StoredEmail[]> {
  const res = await fetch(`${endpoints.ses}/store`);
  const store = (await res.json()) as { emails: StoredEmail[] };
  return store.emails.filter((m) => m.destination.to.some((to) => to.endsWith("@notices-it.example")));
}

const mailsTo = async (customerNumber: string) =>
  (await mailbox()).filter((m) => m.destination.to.includes(email(customerNumber)));

// ---------------------------------------------------------------------------------------------

let sesEvents: (event: unknown) => Promise<{ flagged: number }>;

beforeAll(async () => {
  await ensureTables(rawDynamo, PREFIX);
  await importFile("accounts", accountsCsv(customers));
  await importFile("bills", billsCsv(customers));
  for (const c of customers) {
    if (c.profile) await ddb.send(new PutCommand({ TableName: T.profiles, Item: c.profile }));
  }
  // The SES events function, with this file's tables.
  for (const [name, value] of Object.entries(handlerEnv)) vi.stubEnv(name, value);
  const mod = (await import("../../lambdas/handlers/ses-events")) as unknown as {
    handler: (event: unknown, context: unknown) => Promise<{ flagged: number }>;
  };
  sesEvents = (event) => mod.handler(event, lambdaContext);
});

afterAll(() => {
  vi.unstubAllEnvs();
  rawDynamo.destroy();
  ses.destroy();
  files.cleanup();
});

const lambdaContext = {
  functionName: "ses-events",
  functionVersion: "$LATEST",
  invokedFunctionArn: "arn:aws:lambda:ca-central-1:123456789012:function:ses-events",
  memoryLimitInMB: "128",
  awsRequestId: "request",
  logGroupName: "g",
  logStreamName: "s",
  getRemainingTimeInMillis: () => 10_000,
};

function sesEvent(detail: Record<string, unknown>) {
  return {
    version: "0",
    id: "event-1",
    "detail-type": `Email ${String(detail.eventType)}`,
    source: "aws.ses",
    account: "123456789012",
    time: "2026-11-20T16:00:00Z",
    region: "ca-central-1",
    resources: [],
    detail: { mail: { messageId: "ses-message" }, ...detail },
  };
}

describe("npm run notices on the emulators", () => {
  it("first run: counts per rule, one e-mail per eligible bill, in the customer's language", async () => {
    const summary = await run();

    expect({
      sent: summary.sent,
      skippedCredit: summary.skippedCredit,
      skippedInactive: summary.skippedInactive,
      alreadySent: summary.alreadySent,
      settledUnsent: summary.settledUnsent,
      unsent: summary.unsent,
    }).toEqual({
      sent: ELIGIBLE.length,
      skippedCredit: 1,
      skippedInactive: 3, // paper, pending confirmation, no profile
      alreadySent: 0,
      settledUnsent: 3, // before the activation, before the switch back, stale
      unsent: 0,
    });

    const mails = await mailbox();
    expect(mails).toHaveLength(ELIGIBLE.length);
    for (const [customerNumber, availableOn] of ELIGIBLE) {
      const to = await mailsTo(customerNumber);
      expect({ customerNumber, mails: to.length }).toEqual({ customerNumber, mails: 1 });
      // The state records SES's message id: this very e-mail.
      const state = await readNoticeState(
        ddb,
        T.notices,
        customerNumber,
        billId(customerNumber, availableOn),
      );
      expect(state).toMatchObject({ state: "SENT", sesMessageId: to[0]?.messageId });
      // Kept about 400 days (TTL) from the run's own clock, far beyond the catch-up bound.
      const days = (Number(state?.expiresAtEpoch) - nowMs / 1000) / 86_400;
      expect(days).toBeGreaterThan(390);
      expect(days).toBeLessThan(410);
    }
    for (const customerNumber of [
      C.credit,
      C.paper,
      C.pending,
      C.noProfile,
      C.switchedBack,
      C.stale,
      C.future,
    ]) {
      expect({ customerNumber, mails: (await mailsTo(customerNumber)).length }).toEqual({
        customerNumber,
        mails: 0,
      });
    }
  });

  it("the French e-mail: subject with the billing date, amount, due date, link, no customer number", async () => {
    const [mail] = await mailsTo(C.fr);
    expect(mail?.subject).toBe("Votre facture du 17 novembre 2026 est disponible");
    expect(mail?.from).toBe(config.ses.from);
    const text = mail?.body.text ?? "";
    expect(text).toContain("Montant à payer\u00a0: 73,15\u00a0$");
    expect(text).toContain("Date d'échéance\u00a0: 8 décembre 2026");
    expect(text).toContain(LINK);
    expect(text).toContain(config.supportPhone);
    expect(mail?.body.html).toContain(`href="${LINK}"`);
    expect(mail?.body.html).toContain("<strong>73,15\u00a0$</strong>");
    for (const part of [mail?.subject, text, mail?.body.html]) {
      expect(part).not.toContain(C.fr);
      expect(part).not.toContain("24680");
      expect(part).not.toMatch(/\d{7}/);
    }
  });

  it("the English e-mail: subject with the billing date, amount with grouping, due date", async () => {
    const [mail] = await mailsTo(C.en);
    expect(mail?.subject).toBe("Your bill of November 15, 2026 is available");
    expect(mail?.body.text).toContain("Amount due: $1,234.50");
    expect(mail?.body.text).toContain("Due date: December 6, 2026");
    expect(mail?.body.html).toContain('<html lang="en-CA">');
    const [zero] = await mailsTo(C.zero);
    expect(zero?.body.text).toContain("Montant à payer\u00a0: 0,00\u00a0$");
  });

  it("the pending index keeps only the bills that may still become eligible", async () => {
    const pending = async (customerNumber: string, availableOn: string) => {
      const out = await ddb.send(
        new GetCommand({
          TableName: T.bills,
          Key: { customerNumber, billId: billId(customerNumber, availableOn) },
        }),
      );
      return out.Item?.noticeShard !== undefined;
    };
    for (const [customerNumber, availableOn] of ELIGIBLE)
      expect(await pending(customerNumber, availableOn)).toBe(false);
    expect(await pending(C.credit, TODAY)).toBe(false);
    expect(await pending(C.activatedYesterdayEvening, "2026-11-17")).toBe(false);
    expect(await pending(C.stale, addDays(TODAY, -8))).toBe(false);
    expect(await pending(C.paper, TODAY)).toBe(true);
    expect(await pending(C.pending, TODAY)).toBe(true);
    expect(await pending(C.noProfile, TODAY)).toBe(true);
    expect(await pending(C.future, addDays(TODAY, 1))).toBe(true);
  });

  it("re-run the same day: no new e-mail (the sent bills left the pending index: not even counted)", async () => {
    nowMs += 60 * 60 * 1000;
    const summary = await run();
    expect(summary).toMatchObject({
      sent: 0,
      skippedCredit: 0,
      skippedInactive: 3,
      alreadySent: 0,
      settledUnsent: 0,
      unsent: 0,
    });
    expect(await mailbox()).toHaveLength(ELIGIBLE.length);
  });

  it("re-import of the same bills file: already-sent counted, still no second e-mail", async () => {
    await importFile("bills", billsCsv(customers));
    nowMs += 60 * 60 * 1000;
    const summary = await run();
    expect(summary).toMatchObject({
      sent: 0,
      alreadySent: ELIGIBLE.length,
      skippedCredit: 1,
      skippedInactive: 3,
      settledUnsent: 3,
      unsent: 0,
    });
    expect(await mailbox()).toHaveLength(ELIGIBLE.length);
    // And once more: they were settled again.
    expect(await run()).toMatchObject({ sent: 0, alreadySent: 0, skippedCredit: 0 });
    expect(await mailbox()).toHaveLength(ELIGIBLE.length);
  });

  it("dry run: counts what would go out, writes nothing", async () => {
    // The paper customer switches to electronic billing: their pending bill becomes eligible.
    await ddb.send(
      new PutCommand({
        TableName: T.profiles,
        Item: activeProfile(C.paper, "fr", { electronicSince: "2026-11-20T14:00:00.000Z" }),
      }),
    );
    const dry = await run({ dryRun: true });
    expect(dry).toMatchObject({ sent: 0, dispatch: { queued: 1 }, skippedInactive: 2 });
    expect(await readNoticeState(ddb, T.notices, C.paper, billId(C.paper, TODAY))).toBeUndefined();
    expect(await mailsTo(C.paper)).toHaveLength(0);

    const real = await run();
    expect(real).toMatchObject({ sent: 1, skippedInactive: 2 });
    expect(await mailsTo(C.paper)).toHaveLength(1);
  });

  it("a permanent bounce flags the profile (BOUNCE) and stops the notices; a transient one does not", async () => {
    const flagged = await sesEvents(
      sesEvent({
        eventType: "Bounce",
        bounce: { bounceType: "Permanent", bouncedRecipients: [{ emailAddress: email(C.fr).toUpperCase() }] },
      }),
    );
    expect(flagged).toEqual({ flagged: 1 });
    expect(
      await sesEvents(
        sesEvent({
          eventType: "Bounce",
          bounce: {
            bounceType: "Transient",
            bouncedRecipients: [{ emailAddress: email(C.transientBounce) }],
          },
        }),
      ),
    ).toEqual({ flagged: 0 });

    const profile = async (customerNumber: string) =>
      (await ddb.send(new GetCommand({ TableName: T.profiles, Key: { customerNumber } }))).Item;
    expect(await profile(C.fr)).toMatchObject({ emailUndeliverable: true, supportFlag: "BOUNCE" });
    expect((await profile(C.transientBounce))?.emailUndeliverable).toBeUndefined();
    expect((await profile(C.transientBounce))?.supportFlag).toBeUndefined();

    // Next month's bills of both: the bounced address gets nothing, the other one gets its notice.
    const nextMonth: Customer[] = [
      {
        ...(customers.find((c) => c.customerNumber === C.fr) as Customer),
        bills: [{ availableOn: TODAY, amountDue: "80.00" }],
      },
      {
        ...(customers.find((c) => c.customerNumber === C.transientBounce) as Customer),
        bills: [{ availableOn: TODAY, amountDue: "80.00" }],
      },
    ].map((c) => ({ ...c, bills: c.bills.map((b) => ({ ...b })) }));
    const csv = billsCsv(nextMonth).replaceAll(`B-${TODAY}-`, `N-${TODAY}-`);
    await importFile("bills", csv);
    nowMs += 60 * 60 * 1000;
    const summary = await run();
    expect(summary).toMatchObject({ sent: 1, skippedInactive: 3 }); // the bounced one + pending + no profile
    expect(await mailsTo(C.fr)).toHaveLength(1);
    expect(await mailsTo(C.transientBounce)).toHaveLength(2);
  });

  it("a complaint flags the profile (COMPLAINT) and stops the notices", async () => {
    expect(
      await sesEvents(
        sesEvent({
          eventType: "Complaint",
          complaint: { complainedRecipients: [{ emailAddress: email(C.complaint) }] },
        }),
      ),
    ).toEqual({ flagged: 1 });
    const item = (
      await ddb.send(new GetCommand({ TableName: T.profiles, Key: { customerNumber: C.complaint } }))
    ).Item;
    expect(item).toMatchObject({ emailUndeliverable: true, supportFlag: "COMPLAINT" });
    await importFile(
      "bills",
      `billId,customerNumber,billingDate,dueDate,amountDue,balance\nC-1,${C.complaint},${addDays(TODAY, -3)},${addDays(TODAY, 18)},12.00,12.00\n`,
    );
    nowMs += 60 * 60 * 1000;
    expect(await run()).toMatchObject({ sent: 0 });
    expect(await mailsTo(C.complaint)).toHaveLength(1);
  });

  it("events that are not bounces or complaints change nothing", async () => {
    expect(await sesEvents(sesEvent({ eventType: "Delivery" }))).toEqual({ flagged: 0 });
    expect(await sesEvents({ hello: "world" })).toEqual({ flagged: 0 });
    expect(
      await sesEvents(
        sesEvent({
          eventType: "Bounce",
          bounce: {
            bounceType: "Permanent",
            bouncedRecipients: [{ emailAddress: "nobody@notices-it.example" }],
          },
        }),
      ),
    ).toEqual({ flagged: 0 });
  });
});
