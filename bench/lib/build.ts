import { stat } from "node:fs/promises";
import { resolve } from "node:path";
import * as esbuild from "esbuild";
import { bundling } from "../../lambdas/definitions/bundling";

export interface BuildResult {
  /** The .mjs bundle, absolute. */
  readonly outfile: string;
  /** Bytes of the minified .mjs alone; the source map is a separate file and not deployed code. */
  readonly bytes: number;
  /** SDK packages (`@aws-sdk/client-*`, `@aws-sdk/lib-*`) that ended up in the bundle. */
  readonly sdkPackages: readonly string[];
  readonly warnings: readonly string[];
}

const sdkPackagePattern = /node_modules\/(@aws-sdk\/(?:client|lib)-[^/]+)\//;

/**
 * The esbuild options of one function's bundle, exactly as the function construct passes them
 * (lib/constructs/api-function.ts): every value comes from lambdas/definitions/bundling.ts, so
 * neither the bench nor the least-privilege test (test/support/iam) can drift from what is deployed.
 */
export function lambdaBuildOptions(root: string, entry: string, outfile: string): esbuild.BuildOptions {
  return {
    absWorkingDir: root,
    entryPoints: [entry],
    outfile,
    platform: "node",
    bundle: true,
    format: bundling.format,
    target: bundling.target,
    minify: bundling.minify,
    sourcemap: bundling.sourceMap,
    mainFields: [...bundling.mainFields],
    banner: { js: bundling.banner },
    external: [...bundling.externalModules],
    metafile: true,
    logLevel: "silent",
  };
}

/** Bundles one entry exactly as the function construct does (see lambdaBuildOptions). */
export async function buildBundle(root: string, entry: string, out: string): Promise<BuildResult> {
  const outfile = resolve(root, out);
  const result = await esbuild.build({ ...lambdaBuildOptions(root, entry, outfile), metafile: true });
  const sdkPackages = new Set<string>();
  for (const input of Object.keys(result.metafile.inputs)) {
    const match = sdkPackagePattern.exec(input);
    if (match?.[1]) sdkPackages.add(match[1]);
  }
  return {
    outfile,
    bytes: (await stat(outfile)).size,
    sdkPackages: [...sdkPackages].sort(),
    warnings: result.warnings.map((w) => `${w.location?.file ?? entry}: ${w.text}`),
  };
}
