import { getStage } from "../../lib/config/stages";
import { BLOCK_FIRST, BLOCK_SIZE, PLAUSIBLE_DEBITS } from "../lib/guessing-model";
import {
  ASSUMED_INSTANCES,
  type AttackerRow,
  BUSY_HOUR_VERIFICATIONS,
  GOAL_TAKEOVERS_PER_DAY,
  honestDay,
  honestSide,
  maxBudgetForGoal,
  poissonTail,
  prodLimitsOf,
  runAttackers,
  TYPO_RATE,
} from "../lib/guessing-scenarios";
import { renderTable } from "../lib/table";
import type { BenchContext, Section } from "../section";

/**
 * Issue 10 §6, "the bound, proved two ways — Model": every attacker of the issue's table driven
 * through the real verification use cases on a simulated clock, with the prod stage's limits. The
 * figures are counts of what the use cases answered, not timings: the same on any machine.
 */

const int = (n: number) => Math.round(n).toLocaleString("en-US");

/** Small probabilities in a readable form: 0.0084, 2.5e-4, 3.0e-8. */
function probability(x: number): string {
  if (x === 0) return "0";
  return x >= 0.001 ? x.toFixed(4) : x.toExponential(1);
}

const pOf = (p: number) => `1/${int(1 / p)}`;

function attackerTable(rows: readonly AttackerRow[]): string {
  return renderTable(
    [
      { header: "attacker" },
      { header: "p per guess", align: "right" },
      { header: "requests/day", align: "right" },
      { header: "evaluated/account/day (max)", align: "right" },
      { header: "direct/day", align: "right" },
      { header: "step-up 202/day", align: "right" },
      { header: "code tries/day", align: "right" },
      { header: "expected takeovers/day", align: "right" },
      { header: "goal", align: "right" },
      { header: "" },
    ],
    rows.map((r) => [
      r.name,
      pOf(r.p),
      int(r.requestsPerDay),
      int(r.day.perAccountMax),
      int(r.day.direct),
      int(r.day.challenges),
      int(r.day.codeTries),
      probability(r.expected),
      `≤ ${GOAL_TAKEOVERS_PER_DAY}`,
      r.met ? "met" : "not met",
    ]),
  );
}

function runTable(rows: readonly AttackerRow[]): string {
  return renderTable(
    [
      { header: "attacker" },
      { header: "how the day was obtained" },
      { header: "requests simulated", align: "right" },
      { header: "first step-up, s", align: "right" },
      { header: "matched 202s in the run", align: "right" },
      { header: "takeovers in the run", align: "right" },
      { header: "wall s", align: "right" },
    ],
    rows.map((r) => [
      r.name,
      r.simulated,
      int(r.run.requests),
      r.run.firstStepUpSeconds === null ? "never" : r.run.firstStepUpSeconds.toFixed(1),
      int(r.run.matched),
      int(r.run.successes),
      r.seconds.toFixed(1),
    ]),
  );
}

export const section: Section = {
  name: "guessing",
  title: "Guessing: expected takeovers per day for each attacker, on the real use cases (simulated clock)",
  async run(context: BenchContext) {
    const prod = prodLimitsOf(getStage("prod"));
    const started = performance.now();
    const l = prod.limits;
    console.log(
      [
        `Stage prod (lib/config/stages.ts): ${l.maxFailures} failures in any ${l.windowSeconds / 60} min lock ` +
          `${l.lockoutSeconds} s (doubling), at most ${l.dailyMaxFailures} failures per customer number in any 24 h; ` +
          `step-up at ${prod.budgetPerHour} failures/hour (stage-wide); WAF ${prod.wafPerIpPer5Minutes} requests/IP/5 min; ` +
          `enrollment throttle ${prod.enrollmentRps} rps (burst ${prod.enrollmentBurst}).`,
        `Block: ${int(BLOCK_SIZE)} accounts (${BLOCK_FIRST}–${BLOCK_FIRST + BLOCK_SIZE - 1}), none enrolled; an access code is 1 of 100,000 ` +
          `(p = 1/100,000 per guess); the targeted attacker knows phone and postal code, and the debit is 1 of ${int(PLAUSIBLE_DEBITS)} ` +
          "plausible amounts (p = 1/2,000). A step-up code is 1 of 1,000,000 and goes only to the contact address on file.",
        `Assumed: ${ASSUMED_INSTANCES} warm instances of the verification function, each with its own budget cache ` +
          "(the real adapter, failure-budget.ts: 5-minute buckets, 10 s cache, a re-read after every failure answered outside step-up).",
        "Every request goes through verifyOwnership / answerChallenge / sendStepUpCode on in-memory ports (test/support/fakes).",
        "Attackers try the 3 codes of every 202 they get (their best use of a request); a 202 never says whether its data matched.",
        "",
        "Evaluated = the data reached the comparison: direct (outside step-up: 403 or a token) plus step-up 202s. Expected takeovers = " +
          "Σ p over direct guesses + Σ p × 1/1,000,000 over code tries (the 202's data matched, and the code is right).",
        "",
      ].join("\n"),
    );

    const rows = await runAttackers(prod, context.progress);
    console.log(attackerTable(rows));
    console.log("");
    for (const r of rows) {
      for (const note of r.notes) console.log(`- ${r.name}: ${note}.`);
      if (!r.met) {
        const ceiling = maxBudgetForGoal(r.p, r.instances);
        console.log(
          `- ${r.name}: NOT met: ${int(r.day.direct)} direct guesses a day at p = ${pOf(r.p)} are ${probability(r.day.expectedDirect)} ` +
            `takeovers a day; the budget would have to let through fewer than ${int(GOAL_TAKEOVERS_PER_DAY / r.p)} a day ` +
            `(${ceiling < 1 ? "no budget of 1/hour or more does" : `budget ≤ ${ceiling} with ${r.instances} instances`}).`,
        );
      }
    }
    console.log("");
    console.log(runTable(rows));

    context.progress("guessing: the honest side");
    const honest = await honestSide(prod);
    console.log("\nThe honest side (prod limits, real use cases):\n");
    console.log(
      renderTable(
        [
          { header: "customer" },
          { header: "stage" },
          { header: "answers" },
          { header: "locked" },
          { header: "result" },
        ],
        honest.map((h) => [h.customer, h.stage, h.answers.join(" → "), h.locked ? "yes" : "never", h.result]),
      ),
    );

    context.progress("guessing: a day of honest traffic");
    const day = await honestDay(prod);
    const honestFailuresPerHour = BUSY_HOUR_VERIFICATIONS * TYPO_RATE;
    const tail = poissonTail(honestFailuresPerHour, prod.budgetPerHour);
    const bill = maxBudgetForGoal(1 / 100_000, ASSUMED_INSTANCES);
    const billBurst = maxBudgetForGoal(1 / 100_000, prod.enrollmentBurst);
    const debit = maxBudgetForGoal(1 / PLAUSIBLE_DEBITS, ASSUMED_INSTANCES);
    console.log(
      [
        "",
        "Sizing the budget:",
        `- Assumed busy hour: ${BUSY_HOUR_VERIFICATIONS} honest verifications × ${TYPO_RATE * 100} % mistyped once = ` +
          `${honestFailuresPerHour} honest failures/hour (Poisson). The budget ${prod.budgetPerHour} is ` +
          `${(prod.budgetPerHour / honestFailuresPerHour).toFixed(1)}× that; P(a busy hour reaches ${prod.budgetPerHour}) = ${probability(tail)}.`,
        `- Simulated: a whole day at the busy hour's rate (${int(day.verifications)} verifications, ${int(day.failures)} typos): ` +
          `at most ${day.maxFailuresLastHour} failures in the last hour (sampled every 5 min); ` +
          `${int(day.challenged)} honest verifications answered 202.`,
        `- The goal's ceiling: the budget-aware attacker gets 24 × (budget − 1 + instances) direct guesses a day, so ` +
          `≤ ${GOAL_TAKEOVERS_PER_DAY}/day needs budget ≤ ${bill} for a bill code with ${ASSUMED_INSTANCES} instances, ` +
          `≤ ${billBurst} with ${prod.enrollmentBurst} at once; for the targeted debit (p = 1/2,000), ` +
          `${debit < 1 ? "no budget of 1 or more" : `≤ ${debit}`}.`,
        `- So ${prod.budgetPerHour}/hour sits between the honest busy hour (${honestFailuresPerHour}) and the ceiling (${bill}) ` +
          `with ${ASSUMED_INSTANCES} instances; it does not hold if ${prod.enrollmentBurst} requests reach the budget at once.`,
        "",
        `Section: ${((performance.now() - started) / 1000).toFixed(1)} s of wall time.`,
      ].join("\n"),
    );

    return {
      prod,
      assumedInstances: ASSUMED_INSTANCES,
      attackers: rows,
      honest,
      honestDay: day,
      sizing: {
        busyHourVerifications: BUSY_HOUR_VERIFICATIONS,
        typoRate: TYPO_RATE,
        honestFailuresPerHour,
        probabilityBusyHourReachesBudget: tail,
        maxBudgetBill: bill,
        maxBudgetBillBurst: billBurst,
        maxBudgetDebit: debit,
      },
    };
  },
};
