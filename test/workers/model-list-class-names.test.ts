// Class names in the registry list and GET /v1/me come from the registry rows (review of issue
// 15): listing a tenant's versions reads no artifact, however many there are. A row registered
// before names were stored (class_names null) gets them from its artifact, a bounded number per
// listing, newest first, and keeps them on its row; an outage while reading one answers 503
// rather than naming its classes "0" and "1".
import { createExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import worker from "../../workers/index.ts";
import { sealArtifact, type Artifact, type ClassNames } from "../../model/index.ts";
import type { ModelSummary, TenantModel } from "../../workers/contract/api.ts";
import { registerModel } from "../../workers/services/register-model.ts";
import { DEMO_TENANT } from "../../workers/services/seed-demo.ts";
import { MAX_ARTIFACT_READS_PER_LIST } from "../../workers/services/list-models.ts";
import { artifactReads } from "./artifact-reads.ts";
import { adapters, createTenantKey, ensureModel } from "./helpers.ts";

let seed: Omit<Artifact, "checksum" | "classNames">;
beforeAll(async () => {
  await ensureModel();
  const demo = await adapters().keys.findTenantByName(DEMO_TENANT);
  const record = demo && (await adapters().models.findModel(demo.id, "seed-1"));
  const text = record && (await adapters().models.readArtifact(record));
  if (!text) throw new Error("no seed model");
  const { checksum: _, classNames: __, ...body } = JSON.parse(text) as Artifact;
  seed = body;
});

const namesOf = (i: number): ClassNames => [`no-${i}`, `yes-${i}`];

/** Registers versions v1…vN (vN newest), v<i> naming its classes namesOf(i). */
async function registerVersions(tenantId: string, n: number): Promise<void> {
  const base = Date.now() - 60_000;
  for (let i = 1; i <= n; i++) {
    const artifact = await sealArtifact({
      ...seed,
      version: `v${i}`,
      createdAt: new Date(base + i * 100).toISOString(),
      classNames: namesOf(i),
    });
    await registerModel(adapters(), tenantId, artifact, { status: "candidate", source: "cli", fingerprint: "x" });
  }
}

/** Makes the tenant's rows look registered before class names were stored. */
const forgetStoredNames = (tenantId: string) =>
  env.DB.prepare("UPDATE models SET class_names = NULL WHERE tenant_id = ?").bind(tenantId).run();

const storedNames = (tenantId: string, version: string) =>
  env.DB.prepare("SELECT class_names AS names FROM models WHERE tenant_id = ? AND version = ?")
    .bind(tenantId, version)
    .first<string | null>("names");

function call(path: string, key: string, run: typeof env) {
  const request = new Request(`http://edge-svm.test${path}`, { headers: { authorization: `Bearer ${key}` } });
  return worker.fetch(request, run, createExecutionContext());
}

/** GET /v1/models through `run`: each version's class names, and the versions whose artifact it read. */
async function list(key: string, run = artifactReads()) {
  const response = await call("/v1/models", key, run.env);
  expect(response.status, await response.clone().text()).toBe(200);
  const { models } = await response.json<{ models: ModelSummary[] }>();
  const read = new Set(run.reads.map((k) => /(?::|models\/)([^:/]+?)(?:\.json)?$/.exec(k)?.[1]));
  return { names: Object.fromEntries(models.map((m) => [m.version, m.classNames])), read };
}

const expected = (versions: number[]) => Object.fromEntries(versions.map((i) => [`v${i}`, namesOf(i)]));
const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i);

describe("the registry list's class names", () => {
  it("lists 60 versions with their class names without reading one artifact", async () => {
    const { key, tenantId } = await createTenantKey(["read"], { model: false });
    await registerVersions(tenantId, 60);
    const { names, read } = await list(key);
    expect(names).toEqual(expected(range(1, 60)));
    expect(read).toEqual(new Set());
  });

  it("gives a version registered before names were stored the names in its artifact, and keeps them on its row", async () => {
    const { key, tenantId } = await createTenantKey(["read"], { model: false });
    await registerVersions(tenantId, 1);
    await forgetStoredNames(tenantId);
    const first = await list(key);
    expect(first.names).toEqual(expected([1]));
    expect(first.read).toEqual(new Set(["v1"]));
    expect(await storedNames(tenantId, "v1")).toBe(JSON.stringify(namesOf(1)));
    expect((await list(key)).read).toEqual(new Set());
  });

  it(`reads at most ${MAX_ARTIFACT_READS_PER_LIST} artifacts per listing, the newest rows first, the others on the next listings`, async () => {
    const { key, tenantId } = await createTenantKey(["read"], { model: false });
    const n = MAX_ARTIFACT_READS_PER_LIST + 4;
    await registerVersions(tenantId, n);
    await forgetStoredNames(tenantId);
    const newest = range(5, n);
    const first = await list(key);
    expect(first.read).toEqual(new Set(newest.map((i) => `v${i}`)));
    expect(first.names).toMatchObject(expected(newest));
    const second = await list(key);
    expect(second.read).toEqual(new Set(["v1", "v2", "v3", "v4"]));
    expect(second.names).toEqual(expected(range(1, n)));
    const third = await list(key);
    expect(third.read).toEqual(new Set());
    expect(third.names).toEqual(expected(range(1, n)));
  });

  it("answers 503 STORAGE_UNAVAILABLE while an old row's artifact cannot be read, never names 0 and 1", async () => {
    const { key, tenantId } = await createTenantKey(["read"], { model: false });
    await registerVersions(tenantId, 2);
    await forgetStoredNames(tenantId);
    const outage = artifactReads((k) => k.includes(tenantId) && (k.endsWith(":v2") || k.endsWith("/v2.json")));
    const response = await call("/v1/models", key, outage.env);
    expect(response.status).toBe(503);
    expect(await response.json()).toMatchObject({ error: { code: "STORAGE_UNAVAILABLE" } });
    expect(await storedNames(tenantId, "v2")).toBeNull();
    expect((await list(key)).names).toEqual(expected([1, 2]));
  });

  it("lists an old row whose artifact is corrupt as 0 and 1, and does not read it again", async () => {
    const { key, tenantId } = await createTenantKey(["read"], { model: false });
    await registerVersions(tenantId, 1);
    await forgetStoredNames(tenantId);
    await env.KV.put(`model:${tenantId}:v1`, "{not an artifact");
    const first = await list(key);
    expect(first.names).toEqual({ v1: ["0", "1"] });
    expect(first.read).toEqual(new Set(["v1"]));
    expect((await list(key)).read).toEqual(new Set());
  });
});

describe("GET /v1/me's class names", () => {
  it("come from the champion's row when its artifact cannot be served", async () => {
    const { key, tenantId } = await createTenantKey(["read"], { model: false });
    const saved = await adapters().models.saveModel(
      {
        tenantId,
        version: "broken-1",
        status: "champion",
        parentVersion: null,
        checksum: `sha256:${"0".repeat(64)}`,
        featureNames: JSON.stringify(["x"]),
        trainingRows: 1,
        fingerprint: "x",
        metrics: "{}",
        source: "cli",
        createdAt: Date.now(),
        classNames: JSON.stringify(["ham", "spam"]),
      },
      "{}",
    );
    expect(saved?.status).toBe("champion");
    const response = await call("/v1/me", key, env);
    const { model } = await response.json<{ model: TenantModel }>();
    expect(model).toMatchObject({ active: false, error: expect.stringContaining("broken-1") });
    expect(model.classNames).toEqual(["ham", "spam"]);
  });
});
