import { type ApiFunctionName, type HttpMethod, routes } from "../../lambdas/definitions/routes";

/**
 * A path of the API from the one route table (lambdas/definitions/routes.ts), never retyped here:
 * the route served by that function and method whose path parameters are the ones given.
 */
export function apiPath(
  fn: ApiFunctionName,
  method: HttpMethod,
  parameters: Readonly<Record<string, string>> = {},
): string {
  const wanted = Object.keys(parameters).sort().join(",");
  const matches = routes.filter(
    (r) => r.function === fn && r.method === method && parameterNames(r.path) === wanted,
  );
  const [route, ...others] = matches;
  if (!route || others.length > 0) throw new Error(`no single route for ${method} ${fn} (${wanted})`);
  return route.path.replace(/\{(\w+)\}/g, (_, name: string) => encodeURIComponent(parameters[name] ?? ""));
}

function parameterNames(path: string): string {
  return [...path.matchAll(/\{(\w+)\}/g)]
    .map((m) => m[1])
    .sort()
    .join(",");
}
