// GET /v1/health: no key needed. Says which build is running and whether a model serves.
// GET /v1/me: who a key belongs to and what it may do (the dashboard shows it after sign-in).
import { Hono } from "hono";
import pkg from "../../../package.json" with { type: "json" };
import type { Health, Me } from "../../contract/api.ts";
import { requireScope } from "../authenticate.ts";
import type { AppEnv } from "../app-env.ts";
import { loadChampion, servingError } from "../../services/serving-model.ts";

export const healthRoutes = new Hono<AppEnv>()
  .get("/me", requireScope(null), (c) => {
    const { tenantName, keyId, scopes } = c.get("principal");
    return c.json({ tenant: tenantName, keyId, scopes } satisfies Me);
  })
  .get("/health", async (c) => {
    const model = await loadChampion(c.get("adapters").models);
    const error = servingError();
    const body: Health & { model: { error?: string } } = {
      status: "ok",
      version: pkg.version,
      model: {
        active: model !== null,
        version: model?.version ?? null,
        featureNames: [...(model?.artifact.featureNames ?? [])],
        ...(error ? { error: `model ${error.version} cannot be served: ${error.message}` } : {}),
      },
    };
    return c.json(body);
  });
