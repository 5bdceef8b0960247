// GET /v1/health: no key needed. Says which build is running (models belong to tenants, so a
// caller without a key learns nothing about any of them).
// GET /v1/me: who a key belongs to, what it may do, and the state of its tenant's model (the
// dashboard shows it after sign-in).
import { Hono } from "hono";
import pkg from "../../../package.json" with { type: "json" };
import type { Health, Me } from "../../contract/api.ts";
import { requireScope } from "../authenticate.ts";
import type { AppEnv } from "../app-env.ts";
import { loadChampion, noModel, servingError } from "../../services/serving-model.ts";

export const healthRoutes = new Hono<AppEnv>()
  .get("/me", requireScope(null), async (c) => {
    const { tenantId, tenantName, keyId, scopes } = c.get("principal");
    const model = await loadChampion(c.get("adapters").models, tenantId);
    const error = servingError(tenantId);
    const body: Me = {
      tenant: tenantName,
      keyId,
      scopes,
      model: {
        active: model !== null,
        version: model?.version ?? null,
        featureNames: [...(model?.artifact.featureNames ?? [])],
        ...(error ? { error: `model ${error.version} cannot be served: ${error.message}` } : {}),
        ...(model ? {} : { hint: noModel().message }),
      },
    };
    return c.json(body);
  })
  .get("/health", (c) => c.json({ status: "ok", version: pkg.version } satisfies Health));
