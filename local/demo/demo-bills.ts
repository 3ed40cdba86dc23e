import { addDays } from "../../lambdas/domain/dates";

/**
 * The demo customers' bills, dated relative to the day `npm start` runs, so that the README's demo
 * table holds on any day: each customer has bills that are already available, 9900004's bill in
 * credit and 9900005's bill both become available today (the next `npm run notices` counts the first
 * as skipped-credit and e-mails the second), and the older ones stay on the website.
 */
interface DemoBill {
  readonly customerNumber: string;
  /** How many days before its availability the bill was issued; 0 is "available today". */
  readonly availableDaysAgo: number;
  readonly amountDue: string;
  readonly balance: string;
  readonly documentKey?: string;
}

/** Two cycles of bills: the current one (available within the catch-up window) and the month before. */
const DEMO_BILLS: readonly DemoBill[] = [
  { customerNumber: "9900001", availableDaysAgo: 38, amountDue: "84.37", balance: "84.37" },
  {
    customerNumber: "9900001",
    availableDaysAgo: 8,
    amountDue: "84.37",
    balance: "84.37",
    documentKey: "sample.pdf",
  },
  {
    customerNumber: "9900002",
    availableDaysAgo: 40,
    amountDue: "73.15",
    balance: "73.15",
    documentKey: "sample.pdf",
  },
  {
    customerNumber: "9900002",
    availableDaysAgo: 10,
    amountDue: "73.15",
    balance: "73.15",
    documentKey: "sample.pdf",
  },
  {
    customerNumber: "9900003",
    availableDaysAgo: 8,
    amountDue: "96.20",
    balance: "96.20",
    documentKey: "sample.pdf",
  },
  // In credit and available today: the next `npm run notices` counts it skipped-credit.
  {
    customerNumber: "9900004",
    availableDaysAgo: 0,
    amountDue: "55.00",
    balance: "-12.50",
    documentKey: "sample.pdf",
  },
  {
    customerNumber: "9900005",
    availableDaysAgo: 60,
    amountDue: "61.80",
    balance: "61.80",
    documentKey: "sample.pdf",
  },
  {
    customerNumber: "9900005",
    availableDaysAgo: 30,
    amountDue: "61.80",
    balance: "61.80",
    documentKey: "sample.pdf",
  },
  // The enrolled customer's bill of this cycle, available today: the next `npm run notices` e-mails it.
  {
    customerNumber: "9900005",
    availableDaysAgo: 0,
    amountDue: "61.80",
    balance: "61.80",
    documentKey: "sample.pdf",
  },
  {
    customerNumber: "9900006",
    availableDaysAgo: 6,
    amountDue: "102.45",
    balance: "0.00",
    documentKey: "sample.pdf",
  },
];

/** Days between a bill's date and its due date on the demo bills. */
const DUE_AFTER_DAYS = 21;

/** `bills.csv` of the demo customers for `today` (America/Toronto), in the billing system's format. */
export function demoBillsCsv(today: string, noticeDelayDays: number): string {
  const rows = DEMO_BILLS.map((bill) => {
    const billingDate = addDays(today, -bill.availableDaysAgo - noticeDelayDays);
    return [
      `B-${billingDate}-${bill.customerNumber}`,
      bill.customerNumber,
      billingDate,
      addDays(billingDate, DUE_AFTER_DAYS),
      bill.amountDue,
      bill.balance,
      bill.documentKey ?? "",
    ].join(",");
  });
  return ["billId,customerNumber,billingDate,dueDate,amountDue,balance,documentKey", ...rows, ""].join("\n");
}
