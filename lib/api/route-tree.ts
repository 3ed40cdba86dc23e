import type { RouteDefinition } from "../../lambdas/definitions/routes";

/** One API Gateway resource that the route table needs. */
export interface ResourceNode {
  /** Resource path, e.g. "/v1/me/bills/{billId}". */
  readonly path: string;
  /**
   * Whether a child is a `{param}` segment. API Gateway allows one variable child per resource, so
   * such a resource cannot also get a `{proxy+}` catch-all child (the `{param}` child catches instead).
   */
  readonly hasVariableChild: boolean;
}

function isVariable(segment: string): boolean {
  return segment.startsWith("{") && segment.endsWith("}");
}

function depth(path: string): number {
  return path.split("/").filter(Boolean).length;
}

/**
 * Every resource path the routes need, the root "/" and all ancestors included, each once, parents
 * before children.
 * Throws for a route table API Gateway would refuse (two different variables under one parent).
 */
export function resourcePaths(routes: readonly RouteDefinition[]): ResourceNode[] {
  const paths = new Set<string>(["/"]);
  const variableChild = new Map<string, string>();
  for (const route of routes) {
    if (!route.path.startsWith("/")) throw new Error(`Route path ${route.path} must start with "/".`);
    const segments = route.path.split("/").filter(Boolean);
    let parent = "";
    for (const segment of segments) {
      const path = `${parent}/${segment}`;
      if (isVariable(segment)) {
        const parentKey = parent || "/";
        const existing = variableChild.get(parentKey);
        if (existing !== undefined && existing !== segment) {
          throw new Error(
            `${parentKey} has two path variables, ${existing} and ${segment}: API Gateway allows one.`,
          );
        }
        variableChild.set(parentKey, segment);
      }
      paths.add(path);
      parent = path;
    }
  }
  return [...paths]
    .sort((a, b) => depth(a) - depth(b) || a.localeCompare(b))
    .map((path) => ({ path, hasVariableChild: variableChild.has(path) }));
}

/** The key of a method in the stage's method settings: "/v1/enrollment/verifications/POST". */
export function methodSettingsKey(route: RouteDefinition): string {
  return `${route.path}/${route.method}`;
}
