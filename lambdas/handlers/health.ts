import { httpApi } from "../middleware/http-api";

/** GET /v1/health: the API and its function runtime answer. */
export const handler = httpApi({}, async () => ({ statusCode: 200, body: { status: "ok" } }));
