import { CfnElement, type Stack } from "aws-cdk-lib";
import type { IConstruct } from "constructs";

type Json = Record<string, unknown>;
interface TemplateResource {
  readonly Type: string;
  readonly Properties?: Json;
}
export interface TemplateJson {
  readonly Resources: Record<string, TemplateResource>;
  readonly Outputs?: Record<string, { readonly Value: unknown }>;
}

/** One action on one resource, as a role's policies allow it. */
export interface RoleGrant {
  readonly action: string;
  /** The resource, readable: `table:Profiles`, `table:Profiles/index/byEmail`, `Stateless/StepUp/Queue.Arn`, `*`. */
  readonly resource: string;
  /** The statement's condition, compact (`dynamodb:LeadingKeys=CHALLENGE#*`), or "" without one. */
  readonly condition: string;
  /** The logical id of the policy that holds it. */
  readonly policy: string;
}

const list = <T>(value: T | readonly T[] | undefined): readonly T[] =>
  value === undefined ? [] : Array.isArray(value) ? value : [value as T];

/**
 * Names the resources of policy statements: a `Ref`, `Fn::GetAtt` or weak cross-stack reference
 * (`Fn::GetStackOutput` of a `Publish/Output…` of the producer) becomes the construct path of the
 * resource it points to, and a table of `tables` becomes `table:<id>`; `Fn::Join` is joined.
 */
export class ResourceNamer {
  private readonly byLogicalId = new Map<string, string>();
  private readonly outputs = new Map<string, unknown>();
  private readonly stacks: readonly string[];

  constructor(
    stacks: readonly { readonly stack: Stack; readonly template: TemplateJson }[],
    named: ReadonlyMap<IConstruct, string>,
  ) {
    for (const { stack, template } of stacks) {
      for (const construct of stack.node.findAll()) {
        if (!(construct instanceof CfnElement)) continue;
        const logicalId = stack.resolve(construct.logicalId) as string;
        const owner = construct.node.scope;
        const label = (owner && named.get(owner)) ?? construct.node.path.replace(/\/Resource$/, "");
        this.byLogicalId.set(`${stack.stackName}/${logicalId}`, label);
      }
      for (const [name, output] of Object.entries(template.Outputs ?? {})) {
        this.outputs.set(`${stack.stackName}/${name}`, { stack: stack.stackName, value: output.Value });
      }
    }
    this.stacks = stacks.map((s) => s.stack.stackName);
  }

  /** `consumer` is the name of the stack whose template holds the value. */
  name(value: unknown, consumer: string): string {
    if (typeof value === "string") return value;
    const json = value as Json;
    if (typeof json.Ref === "string") {
      if (json.Ref.startsWith("AWS::")) return `<${json.Ref}>`;
      return this.logical(consumer, json.Ref, "Ref");
    }
    const getAtt = json["Fn::GetAtt"] as [string, string] | undefined;
    if (getAtt) return this.logical(consumer, getAtt[0], getAtt[1]);
    const join = json["Fn::Join"] as [string, unknown[]] | undefined;
    if (join) return join[1].map((part) => this.name(part, consumer)).join(join[0]);
    const stackOutput = json["Fn::GetStackOutput"] as { StackName: string; OutputName: string } | undefined;
    if (stackOutput) {
      const output = this.outputs.get(`${stackOutput.StackName}/${stackOutput.OutputName}`) as
        | { stack: string; value: unknown }
        | undefined;
      if (output) return this.name(output.value, output.stack);
    }
    const importValue = json["Fn::ImportValue"];
    if (importValue !== undefined) return `<import ${JSON.stringify(importValue)}>`;
    return `<unknown ${JSON.stringify(value)}>`;
  }

  private logical(stack: string, logicalId: string, attribute: string): string {
    const label = this.byLogicalId.get(`${stack}/${logicalId}`);
    if (label === undefined) return `<${stack}/${logicalId}.${attribute} (${this.stacks.join(", ")})>`;
    // A named resource (a table) is itself whatever the attribute: its ARN is what policies use.
    return label.includes(":") ? label : `${label}.${attribute}`;
  }
}

function conditionText(condition: unknown): string {
  if (condition === undefined) return "";
  const parts: string[] = [];
  for (const [operator, tests] of Object.entries(condition as Record<string, Record<string, unknown>>)) {
    for (const [key, values] of Object.entries(tests)) {
      const shown = list(values as string | string[]).join("|");
      parts.push(operator === "ForAllValues:StringLike" ? `${key}=${shown}` : `${operator} ${key}=${shown}`);
    }
  }
  return parts.join(", ");
}

/**
 * Every action that the policies attached to a role allow, one entry per action and resource.
 * Throws on what this reader cannot weigh (managed policies, NotAction, Deny): the test must not
 * pass for want of understanding a policy.
 */
export function roleGrants(
  template: TemplateJson,
  roleLogicalId: string,
  namer: ResourceNamer,
  stackName: string,
): RoleGrant[] {
  const role = template.Resources[roleLogicalId];
  if (role?.Type !== "AWS::IAM::Role") throw new Error(`${roleLogicalId} is not a role of ${stackName}`);
  if (list(role.Properties?.ManagedPolicyArns as unknown[]).length > 0) {
    throw new Error(
      `${roleLogicalId} has managed policies: their actions cannot be checked; use statements.`,
    );
  }
  const documents: { policy: string; document: Json }[] = [];
  for (const inline of list(role.Properties?.Policies as { PolicyName: string; PolicyDocument: Json }[])) {
    documents.push({ policy: `${roleLogicalId}/${inline.PolicyName}`, document: inline.PolicyDocument });
  }
  for (const [id, resource] of Object.entries(template.Resources)) {
    if (resource.Type !== "AWS::IAM::Policy" && resource.Type !== "AWS::IAM::ManagedPolicy") continue;
    const roles = list(resource.Properties?.Roles as unknown[]);
    if (!roles.some((r) => (r as Json).Ref === roleLogicalId)) continue;
    documents.push({ policy: id, document: resource.Properties?.PolicyDocument as Json });
  }
  const grants: RoleGrant[] = [];
  for (const { policy, document } of documents) {
    for (const statement of list(document.Statement as Json[])) {
      if (statement.Effect !== "Allow" || statement.NotAction || statement.NotResource) {
        throw new Error(`${policy}: only Allow statements with Action and Resource can be checked.`);
      }
      const condition = conditionText(statement.Condition);
      for (const action of list(statement.Action as string[])) {
        for (const resource of list(statement.Resource)) {
          grants.push({ action, resource: namer.name(resource, stackName), condition, policy });
        }
      }
    }
  }
  return grants;
}
