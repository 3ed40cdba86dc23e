import { impliedActions, meaningOf } from "./command-actions";
import type { RoleGrant } from "./role-policies";
import type { SdkImport } from "./sdk-imports";

/** The hand-kept half of one function's expectation (test/infra/least-privilege.expected.ts). */
export interface ExpectedAccess {
  /**
   * What the role allows on each table (`Profiles`) and index (`Profiles/index/byEmail`), DynamoDB
   * actions without their `dynamodb:` prefix, a condition after " if ": `DeleteItem if
   * dynamodb:LeadingKeys=CHALLENGE#*`. The bundle tells which actions the code sends, not on which
   * table: this says where, and the test holds the template to it.
   */
  readonly tables?: Readonly<Record<string, readonly string[]>>;
  /**
   * IAM actions of commands that the bundle holds but the function never sends, each with why: an
   * adapter returns an object of methods, and tree-shaking keeps all of them when a handler uses one.
   * They must stay ungranted, and go from here once the bundle no longer holds them.
   */
  readonly neverSent?: Readonly<Record<string, string>>;
  /** The item actions its DynamoDB transactions use (TransactWriteItems is authorized item by item). */
  readonly transactionItems?: readonly string[];
}

/** Grants that the runtime uses on the function's behalf, not its code; each with the resource it must be on. */
export interface InfrastructureGrants {
  /** The function's own log group (`{label}.Arn`). */
  readonly logGroup: string;
  /** The queues of its event source mappings. */
  readonly eventSourceQueues: readonly string[];
}

const infrastructure: readonly {
  readonly actions: readonly string[];
  readonly on: (infra: InfrastructureGrants, resource: string) => boolean;
}[] = [
  // Lambda writes the function's log lines to its log group with the function's role.
  {
    actions: ["logs:CreateLogStream", "logs:PutLogEvents"],
    on: (infra, resource) => resource === infra.logGroup,
  },
  // Active tracing: Lambda sends the trace segments; the two actions take no resource.
  { actions: ["xray:PutTraceSegments", "xray:PutTelemetryRecords"], on: (_, resource) => resource === "*" },
  // The event source mapping polls, hides and deletes the queue's messages with the function's role.
  {
    actions: [
      "sqs:ReceiveMessage",
      "sqs:ChangeMessageVisibility",
      "sqs:GetQueueUrl",
      "sqs:DeleteMessage",
      "sqs:GetQueueAttributes",
    ],
    on: (infra, resource) => infra.eventSourceQueues.includes(resource),
  },
];

function isInfrastructure(grant: RoleGrant, infra: InfrastructureGrants): boolean {
  return infrastructure.some((rule) => rule.actions.includes(grant.action) && rule.on(infra, grant.resource));
}

export interface FunctionUnderCheck {
  /** The handler module, e.g. "me-bills". */
  readonly entry: string;
  /** The function's construct path, for the messages. */
  readonly path: string;
  readonly sdkImports: readonly SdkImport[];
  readonly grants: readonly RoleGrant[];
  readonly infrastructure: InfrastructureGrants;
  /** undefined: no expectation written for it yet. */
  readonly expected: ExpectedAccess | undefined;
}

const expectationFile = "test/infra/least-privilege.expected.ts";
const grantsFile = "lib/stacks/function-grants.ts";

/** The SDK names of a bundle that ask for each IAM action, e.g. dynamodb:GetItem ← lib-dynamodb GetCommand. */
export function requestedActions(
  entry: string,
  sdkImports: readonly SdkImport[],
  expected: ExpectedAccess | undefined,
): { actions: Map<string, string[]>; problems: string[] } {
  const actions = new Map<string, string[]>();
  const problems: string[] = [];
  const add = (action: string, by: string) => actions.set(action, [...(actions.get(action) ?? []), by]);
  for (const { pkg, name } of sdkImports) {
    const meaning = meaningOf(pkg, name);
    const by = `${pkg} ${name}`;
    if (!meaning) {
      problems.push(
        `unknown SDK name: ${entry}'s bundle uses ${by}, which test/support/iam/command-actions.ts does not ` +
          "know: add it there with the IAM action(s) its request needs, or as inert if it sends nothing",
      );
    } else if (meaning.kind === "sends") {
      for (const action of meaning.actions) add(action, by);
    } else if (meaning.kind === "perItem") {
      const items = expected?.transactionItems ?? [];
      if (items.length === 0) {
        problems.push(
          `undeclared transaction: ${entry}'s bundle uses ${by}, authorized item by item (one of ` +
            `${meaning.oneOf.join(", ")}): list the ones it uses in transactionItems of ${expectationFile}`,
        );
      }
      for (const action of items) add(action, `${by} (transactionItems)`);
    }
  }
  return { actions, problems };
}

/** Every disagreement between a function's bundle, its role and its expectation, as one line each. */
export function leastPrivilegeProblems(fn: FunctionUnderCheck): string[] {
  const { entry, expected } = fn;
  const who = `${entry} (${fn.path})`;
  if (!expected) {
    return [`no expectation: ${who} has no entry in ${expectationFile}: add one (even {}) for it`];
  }
  const { actions: bundled, problems } = requestedActions(entry, fn.sdkImports, expected);
  const neverSent = expected.neverSent ?? {};
  const required = new Map([...bundled].filter(([action]) => !(action in neverSent)));
  for (const action of Object.keys(neverSent)) {
    if (!bundled.has(action)) {
      problems.push(
        `stale neverSent: ${who} declares ${action} never sent, but its bundle holds no command for it: ` +
          `remove it from ${expectationFile}`,
      );
    }
  }

  const allowed = new Set<string>();
  for (const action of required.keys())
    for (const implied of impliedActions[action] ?? []) allowed.add(implied);
  const granted = new Set(fn.grants.map((g) => g.action));

  // One line per action and condition, with every resource it is allowed on.
  const byAction = new Map<string, { grant: RoleGrant; resources: string[] }>();
  for (const grant of fn.grants) {
    if (isInfrastructure(grant, fn.infrastructure)) continue;
    const key = `${grant.action} ${grant.condition}`;
    const entry = byAction.get(key) ?? { grant, resources: [] };
    entry.resources.push(`${grant.resource} (${grant.policy})`);
    byAction.set(key, entry);
  }
  for (const { grant, resources } of byAction.values()) {
    const at = `${grant.action}${grant.condition ? ` if ${grant.condition}` : ""} on ${resources.join(", ")}`;
    if (!required.has(grant.action) && !allowed.has(grant.action)) {
      const why =
        grant.action in neverSent
          ? `declared never sent (${neverSent[grant.action]})`
          : "no SDK command of its bundle sends it";
      problems.push(`excess: ${who} is allowed ${at}, but ${why}: remove it from its grants (${grantsFile})`);
    } else if (resources.some((r) => r.startsWith("* "))) {
      problems.push(`wildcard: ${who} is allowed ${at}: name the resource`);
    }
  }
  for (const [action, by] of required) {
    if (!granted.has(action)) {
      problems.push(
        `missing: ${who} sends ${action} (${[...new Set(by)].join(", ")}) but its role does not allow it: ` +
          `grant it (${grantsFile}), or, if the function never calls that code, list it in neverSent of ${expectationFile}`,
      );
    }
  }

  const actual = tableAccess(fn.grants);
  const wanted = normalize(expected.tables ?? {});
  for (const table of new Set([...Object.keys(actual), ...Object.keys(wanted)])) {
    const has = actual[table] ?? [];
    const should = wanted[table] ?? [];
    if (has.join() !== should.join()) {
      problems.push(
        `table access: ${who} is allowed [${has.join(", ")}] on ${table}, but ${expectationFile} says ` +
          `[${should.join(", ")}]: fix the grant or the expectation`,
      );
    }
  }
  return problems;
}

/** What the role allows on each table and index, in the expectation's words. */
export function tableAccess(grants: readonly RoleGrant[]): Record<string, string[]> {
  const byTable: Record<string, string[]> = {};
  for (const grant of grants) {
    if (!grant.resource.startsWith("table:")) continue;
    const table = grant.resource.slice("table:".length);
    const action = grant.action.replace(/^dynamodb:/, "");
    byTable[table] = [
      ...(byTable[table] ?? []),
      grant.condition ? `${action} if ${grant.condition}` : action,
    ];
  }
  return normalize(byTable);
}

function normalize(tables: Readonly<Record<string, readonly string[]>>): Record<string, string[]> {
  return Object.fromEntries(
    Object.entries(tables).map(([table, actions]) => [table, [...new Set(actions)].sort()]),
  );
}
