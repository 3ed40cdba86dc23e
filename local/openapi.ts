import { readFile, writeFile } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import { openApiJson } from "../lambdas/definitions/openapi";

/**
 * `npm run openapi`: writes openapi.json at the repository root from the route table, the zod schemas
 * and the error codes. The openapi function serves that file; a unit test fails when it is stale.
 */
const target = fileURLToPath(new URL("../openapi.json", import.meta.url));

const json = openApiJson();
const previous = await readFile(target, "utf8").catch(() => null);
if (previous === json) {
  console.log("openapi.json is up to date.");
} else {
  await writeFile(target, json, "utf8");
  console.log(`openapi.json written (${Buffer.byteLength(json, "utf8")} bytes).`);
}
