import { fileURLToPath } from "node:url";

/**
 * The repository root, whatever the working directory: NodejsFunction bundles from it (entry files,
 * package-lock.json) and the tests read cdk.json there.
 */
export const repoRoot = fileURLToPath(new URL("../..", import.meta.url));
