// GET /v1/health: no key needed. Says which build is running (models belong to tenants, so a
// caller without a key learns nothing about any of them).
// GET /v1/me: who a key belongs to, what it may do, and the state of its tenant's model (the
// dashboard shows it after sign-in).
import pkg from "../../../package.json" with { type: "json" };
import { Health, Me } from "../../contract/api.ts";
import { apiRoute, apiRouter } from "../api-route.ts";
import { loadChampion, noModel, servingError } from "../../services/serving-model.ts";
import { classNamesOf, type ClassNames } from "../../../model/index.ts";
import type { ModelRegistry } from "../../adapters/model-registry.ts";
import { storedClassNames } from "../../services/model-views.ts";

const me = apiRoute({
  method: "get",
  path: "/me",
  operationId: "getMe",
  tags: ["Keys"],
  summary: "The calling key: its tenant, id and scopes, and the state of the tenant's model",
  scope: "any",
  ok: {
    status: 200,
    description: "The key's identity and its tenant's model",
    schema: Me,
    example: {
      tenant: "demo",
      keyId: "key_mx66tsen11dc8dff278e",
      scopes: ["ingest", "read"],
      model: {
        active: true,
        version: "v3",
        featureNames: ["variance", "skewness", "curtosis", "entropy"],
        classNames: ["genuine", "forged"],
      },
    },
  },
  errors: [],
});

const health = apiRoute({
  method: "get",
  path: "/health",
  operationId: "getHealth",
  tags: ["Service"],
  summary: "The build that runs (models belong to tenants: see /v1/me)",
  scope: null,
  ok: { status: 200, description: "The Worker is up", schema: Health, example: { status: "ok", version: "0.1.0" } },
  errors: [],
});

export const healthRoutes = apiRouter()
  .openapi(me, async (c) => {
    const { tenantId, tenantName, keyId, scopes } = c.get("principal");
    const registry = c.get("adapters").models;
    const model = await loadChampion(registry, tenantId);
    const error = servingError(tenantId);
    const body: Me = {
      tenant: tenantName,
      keyId,
      scopes,
      model: {
        active: model !== null,
        version: model?.version ?? null,
        featureNames: [...(model?.artifact.featureNames ?? [])],
        classNames: model ? classNamesOf(model.artifact) : await championNames(registry, tenantId, error !== null),
        ...(error ? { error: `model ${error.version} cannot be served: ${error.message}` } : {}),
        ...(model ? {} : { hint: noModel().message }),
      },
    };
    return c.json(body, 200);
  })
  .openapi(health, (c) => c.json({ status: "ok" as const, version: pkg.version } satisfies Health, 200));

/**
 * The class names of a champion that cannot be served, from its registry row: the dashboard names
 * the tenant's labels by them. A served model's artifact holds the names its row was given.
 */
async function championNames(registry: ModelRegistry, tenantId: string, failing: boolean): Promise<ClassNames> {
  const champion = failing ? await registry.findChampion(tenantId) : null;
  return (champion && storedClassNames(champion)) ?? ["0", "1"];
}
