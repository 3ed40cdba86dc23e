import { createRequire } from "node:module";
import { join } from "node:path";
import * as esbuild from "esbuild";
import { lambdaBuildOptions } from "../../../bench/lib/build";

/** One named import of an `@aws-sdk/*` package that survives tree-shaking in a handler's bundle. */
export interface SdkImport {
  /** "@aws-sdk/lib-dynamodb" */
  readonly pkg: string;
  /** "GetCommand" */
  readonly name: string;
}

const PROBE_NAMESPACE = "sdk-probe";
const MARK = "@@sdk-probe@@";
const markPattern = /@@sdk-probe@@(@aws-sdk\/[^#"'`]+)#([A-Za-z_$][\w$]*)/g;
/** The SDK's own packages: what they import from each other is the SDK's business, not a request of ours. */
const sdkInternal = /[\\/]node_modules[\\/](?:@aws-sdk|@smithy|@aws-crypto)[\\/]/;

const exportNamesCache = new Map<string, string[]>();
const identifier = /^[A-Za-z_$][\w$]*$/;
/**
 * The names a package exports, from its CommonJS build: whatever loader the test runs under, the
 * same list (an ES module namespace of a CommonJS module would add "module.exports"). A name the
 * handler imports and this list lacked would fail the build ("No matching export"), never pass.
 */
function exportNames(root: string, pkg: string): string[] {
  let names = exportNamesCache.get(pkg);
  if (!names) {
    const module = createRequire(join(root, "package.json"))(pkg) as Record<string, unknown>;
    names = Object.keys(module).filter((name) => identifier.test(name) && name !== "default");
    exportNamesCache.set(pkg, names);
  }
  return names;
}

/**
 * Replaces every `@aws-sdk/*` package, where the project's code or a non-SDK dependency (Powertools
 * parameters' getSecret, …) imports it, by a module of the same export names, each a string constant
 * that names itself. The bundle is otherwise the deployed one (same entry, same options, same
 * tree-shaking), so the constants that survive are exactly the SDK names the handler's reachable code
 * uses: `new GetCommand(…)` in a function the handler never calls is dropped with that function.
 */
function sdkProbe(root: string): esbuild.Plugin {
  return {
    name: "sdk-probe",
    setup(build) {
      build.onResolve({ filter: /^@aws-sdk\// }, (args) =>
        sdkInternal.test(args.importer) ? undefined : { path: args.path, namespace: PROBE_NAMESPACE },
      );
      build.onLoad({ filter: /.*/, namespace: PROBE_NAMESPACE }, (args) => {
        const lines = exportNames(root, args.path).map(
          (name) => `export const ${name} = ${JSON.stringify(`${MARK}${args.path}#${name}`)};`,
        );
        return { contents: lines.join("\n"), loader: "js" };
      });
    },
  };
}

const scans = new Map<string, Promise<readonly SdkImport[]>>();

/**
 * The `@aws-sdk/*` names a handler's bundle uses, sorted; cached for the test run. `entry` is the
 * handler module relative to `root`, e.g. "lambdas/handlers/me.ts".
 */
export function sdkImportsOf(root: string, entry: string): Promise<readonly SdkImport[]> {
  let scan = scans.get(entry);
  if (!scan) {
    scan = scanEntry(root, entry);
    scans.set(entry, scan);
  }
  return scan;
}

async function scanEntry(root: string, entry: string): Promise<readonly SdkImport[]> {
  const options = lambdaBuildOptions(root, entry, join(root, ".sdk-probe", "index.mjs"));
  // No file is written and no source map made: neither changes what tree-shaking keeps.
  const result = await esbuild.build({
    ...options,
    write: false,
    sourcemap: false,
    plugins: [sdkProbe(root)],
  });
  const found = new Map<string, SdkImport>();
  for (const file of result.outputFiles) {
    for (const match of file.text.matchAll(markPattern)) {
      const [, pkg = "", name = ""] = match;
      found.set(`${pkg}#${name}`, { pkg, name });
    }
  }
  return [...found.values()].sort((a, b) => `${a.pkg}#${a.name}`.localeCompare(`${b.pkg}#${b.name}`));
}
