// Training runs (read): the tenant's retrains, newest first, and one by id, with what each did,
// its data sizes and gate figures, so the dashboard can show a run beside the models it compared.
import { z } from "zod";
import { RunId, RunList, RunListQuery, TrainingRun } from "../../contract/api.ts";
import { ApiError } from "../../contract/errors.ts";
import { parseRequest } from "../../services/parse-request.ts";
import { findRun, listRuns } from "../../services/read-runs.ts";
import { apiRoute, apiRouter } from "../api-route.ts";

const RunParams = z.object({ runId: RunId });

const list = apiRoute({
  method: "get",
  path: "/runs",
  operationId: "listRuns",
  tags: ["Models"],
  summary: "The tenant's training runs, newest first",
  description:
    "A run still `running` whose lease ran out shows as `expired`. A challenger's hyperparameters are its model's: GET /v1/models/{challengerVersion}.",
  scope: "read",
  query: RunListQuery,
  ok: { status: 200, description: "The runs", schema: RunList },
  errors: ["INVALID_REQUEST"],
});

const get = apiRoute({
  method: "get",
  path: "/runs/{runId}",
  operationId: "getRun",
  tags: ["Models"],
  summary: "One training run: its outcome, data sizes, gate figures and the champion it was measured against",
  scope: "read",
  params: RunParams,
  ok: { status: 200, description: "The run", schema: TrainingRun },
  errors: ["INVALID_REQUEST", "NOT_FOUND"],
});

export const runRoutes = apiRouter()
  .openapi(list, async (c) => {
    const { limit } = c.req.valid("query");
    return c.json(await listRuns(c.get("adapters"), c.get("principal").tenantId, limit), 200);
  })
  .openapi(get, async (c) => {
    const { runId } = parseRequest(RunParams, { runId: c.req.param("runId") });
    const run = await findRun(c.get("adapters"), c.get("principal").tenantId, runId);
    // Another tenant's run is answered as one that never was: ids say nothing across tenants.
    if (!run) throw new ApiError("NOT_FOUND", `No run ${runId}.`);
    return c.json(run, 200);
  });
