import document from "../../openapi.json" with { type: "json" };
import { httpApi } from "../middleware/http-api";

/**
 * GET /v1/openapi.json: the API's OpenAPI 3.1 document. The bundle carries the generated file
 * (`npm run openapi`), not its generator (lambdas/definitions/openapi.ts) nor zod.
 */
export const handler = httpApi({}, async () => ({ statusCode: 200, body: document }));
