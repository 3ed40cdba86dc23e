/**
 * How every function is bundled: the CDK function construct passes these to NodejsFunction (esbuild),
 * and the benchmark builds its bundles and their floors with exactly the same options.
 */
export const bundling = {
  runtime: "nodejs24.x",
  architecture: "arm64",
  target: "node24",
  format: "esm",
  minify: true,
  sourceMap: true,
  mainFields: ["module", "main"],
  /** ESM bundles of CommonJS dependencies need `require`; this banner gives them one. */
  banner:
    "import { createRequire as __createRequire } from 'node:module';const require = __createRequire(import.meta.url);",
  /** The SDK is bundled (pinned versions, tree-shaken); nothing is left external. */
  externalModules: [] as string[],
  handlersDir: "lambdas/handlers",
} as const;

export function handlerEntry(entry: string): string {
  return `${bundling.handlersDir}/${entry}.ts`;
}
