// Class names (issue 15): a model's artifact names its two classes, and every place that shows a
// label shows its name too: GET /v1/me, the registry, /v1/predict, a batch's result (each row
// under the version that scored it) and its CSV export. Models made before class names are
// called "0" and "1"; a retrained version keeps its parent's names; a result cached in KV before
// predictions carried class names is rebuilt, never served without them.
import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it, vi } from "vitest";
import { sealArtifact, type Artifact } from "../../model/index.ts";
import { DEMO_TENANT } from "../../workers/services/seed-demo.ts";
import { refreshChampionSoon } from "../../workers/services/serving-model.ts";
import {
  adapters,
  api,
  createTenantKey,
  deliver,
  ensureModel,
  makeRows,
  newBatch,
  postBatch,
  scoreJobs,
} from "./helpers.ts";

const json = { "content-type": "application/json" };

interface Named {
  row: number;
  label: 0 | 1;
  className: string;
  modelVersion: string;
}

beforeAll(async () => {
  await ensureModel();
});

/** The demo seed model, resealed under another version with other class names (or none). */
async function seedCopy(version: string, classNames: [string, string] | null): Promise<Artifact> {
  const demo = await adapters().keys.findTenantByName(DEMO_TENANT);
  const record = demo && (await adapters().models.findModel(demo.id, "seed-1"));
  const text = record && (await adapters().models.readArtifact(record));
  if (!text) throw new Error("no seed model");
  const { checksum: _, classNames: __, ...body } = JSON.parse(text) as Artifact;
  return sealArtifact({
    ...body,
    version,
    createdAt: new Date().toISOString(),
    ...(classNames ? { classNames } : {}),
  });
}

async function publish(key: string, artifact: Artifact, activate: boolean) {
  const response = await api("/v1/models", {
    method: "POST",
    key,
    headers: json,
    body: JSON.stringify({ artifact, activate }),
  });
  expect(response.status, await response.clone().text()).toBe(201);
  return response.json<{ version: string; classNames: [string, string] }>();
}

async function completed(key: string, batchId: string) {
  return vi.waitFor(
    async () => {
      const body = await (
        await api(`/v1/batches/${batchId}`, { key })
      ).json<{ status: string; predictions: Named[] }>();
      if (body.status !== "complete") throw new Error(body.status);
      return body.predictions;
    },
    { timeout: 10_000, interval: 20 },
  );
}

describe("class names", () => {
  it("the demo model names its classes, and GET /v1/me shows them", async () => {
    const { key } = await createTenantKey();
    const me = await (await api("/v1/me", { key })).json<{ model: { classNames: string[] } }>();
    expect(me.model.classNames).toEqual(["genuine", "forged"]);
  });

  it("the registry shows each version's class names, 0 and 1 for a model without them", async () => {
    const { key } = await createTenantKey();
    const published = await publish(key, await seedCopy("named-1", ["ham", "spam"]), false);
    expect(published.classNames).toEqual(["ham", "spam"]);
    expect((await publish(key, await seedCopy("plain-1", null), false)).classNames).toEqual(["0", "1"]);
    const list = await (
      await api("/v1/models", { key })
    ).json<{
      models: { version: string; classNames: string[] }[];
    }>();
    const names = Object.fromEntries(list.models.map((m) => [m.version, m.classNames]));
    expect(names).toEqual({ "seed-1": ["genuine", "forged"], "named-1": ["ham", "spam"], "plain-1": ["0", "1"] });
    const detail = await (await api("/v1/models/named-1", { key })).json<{ classNames: string[] }>();
    expect(detail.classNames).toEqual(["ham", "spam"]);
    const activated = await api("/v1/models/plain-1/activate", { method: "POST", key });
    expect(await activated.json()).toMatchObject({ version: "plain-1", classNames: ["0", "1"] });
  });

  it("/v1/predict names each row's label", async () => {
    const { key } = await createTenantKey();
    const response = await api("/v1/predict", {
      method: "POST",
      key,
      headers: json,
      body: JSON.stringify({ features: makeRows(20) }),
    });
    const { predictions } = await response.json<{ predictions: Named[] }>();
    expect(new Set(predictions.map((p) => p.label))).toEqual(new Set([0, 1]));
    for (const p of predictions) expect(p.className).toBe(["genuine", "forged"][p.label]);
  });

  it("a batch names each row's label under the version that scored it, in its result and its export", async () => {
    const { key, tenantId } = await createTenantKey();
    const batch = await newBatch(tenantId, 40, 2);
    const [first, second] = scoreJobs(batch);
    await deliver("score-jobs", [first]);
    await publish(key, await seedCopy("spam-1", ["ham", "spam"]), true);
    refreshChampionSoon(tenantId);
    await deliver("score-jobs", [second]);
    const predictions = await completed(key, batch.id);
    expect(new Set(predictions.map((p) => p.modelVersion))).toEqual(new Set(["seed-1", "spam-1"]));
    for (const p of predictions) {
      expect(p.className).toBe((p.modelVersion === "seed-1" ? ["genuine", "forged"] : ["ham", "spam"])[p.label]);
    }

    const lines = (await (await api(`/v1/batches/${batch.id}/export.csv`, { key })).text()).trim().split("\n");
    const header = lines[0].split(",");
    expect(header.slice(header.indexOf("label"), header.indexOf("label") + 2)).toEqual(["label", "class"]);
    for (const [i, line] of lines.slice(1).entries()) {
      const cells = line.split(",");
      expect(cells[header.indexOf("class")]).toBe(predictions[i].className);
    }
  });

  it("a result cached before predictions had class names is rebuilt with them, not served as it was", async () => {
    const { key } = await createTenantKey();
    const { batchId } = await (await postBatch(key, { features: makeRows(5) })).json<{ batchId: string }>();
    const fresh = await completed(key, batchId);
    const entry = await env.KV.getWithMetadata(`result:${batchId}`, "text");
    if (entry.value === null) throw new Error("the result was not cached");
    const old = JSON.parse(entry.value) as { predictions: Partial<Named>[] };
    for (const p of old.predictions) delete p.className;
    await env.KV.put(`result:${batchId}`, JSON.stringify(old), { metadata: entry.metadata });
    const served = await api(`/v1/batches/${batchId}`, { key });
    expect(served.status).toBe(200);
    expect((await served.json<{ predictions: Named[] }>()).predictions).toEqual(fresh);
  });

  it("a retrained version keeps its parent's class names", async () => {
    const { key } = await createTenantKey();
    await publish(key, await seedCopy("spam-2", ["ham", "spam"]), true);
    const outcome = await (
      await api("/v1/models/retrain", { method: "POST", key, headers: json, body: '{"force":true}' })
    ).json<{ status: string; challengerVersion?: string; reason?: string }>();
    expect(["promoted", "rejected"], outcome.reason).toContain(outcome.status);
    const detail = await (
      await api(`/v1/models/${outcome.challengerVersion}`, { key })
    ).json<{
      parentVersion: string;
      classNames: string[];
    }>();
    expect(detail).toMatchObject({ parentVersion: "spam-2", classNames: ["ham", "spam"] });
  });
});
