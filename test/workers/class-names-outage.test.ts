// A batch's result names each row's class under the version that scored it (services/
// version-facts.ts). A momentary failure reading that version's artifact is not taken for a
// version without names (review of issue 15): the final chunk's message is retried, nothing is
// cached in KV meanwhile (a cached result is served for days), and a read answers 503.
import { createExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import worker from "../../workers/index.ts";
import { refreshChampionSoon, resetServingCache } from "../../workers/services/serving-model.ts";
import { artifactReads } from "./artifact-reads.ts";
import { createTenantKey, deliver, ensureModel, newBatch, publishCopy, scoreJobs } from "./helpers.ts";

interface Named {
  label: 0 | 1;
  className: string;
  modelVersion: string;
}

beforeAll(async () => {
  await ensureModel();
});

describe("a transient failure reading a scoring version's artifact", () => {
  it("is retried rather than cached as classes named 0 and 1, and a read meanwhile answers 503", async () => {
    const { key, tenantId } = await createTenantKey();
    const batch = await newBatch(tenantId, 40, 2);
    const [first, second] = scoreJobs(batch);
    await deliver("score-jobs", [first]);
    await publishCopy(key, "copy-1", true);
    refreshChampionSoon(tenantId);
    // A fresh isolate: seed-1, which scored the first chunk, is no longer in memory.
    resetServingCache();
    const seedArtifact = (k: string) => k.includes(tenantId) && (k.endsWith(":seed-1") || k.endsWith("/seed-1.json"));
    const outage = artifactReads(seedArtifact);

    const attempt = await deliver("score-jobs", [second], outage.env);
    expect(attempt.retryMessages).toHaveLength(1);
    expect(outage.reads.some(seedArtifact)).toBe(true);
    expect(await env.KV.get(`result:${batch.id}`)).toBeNull();
    const read = await worker.fetch(
      new Request(`http://edge-svm.test/v1/batches/${batch.id}`, { headers: { authorization: `Bearer ${key}` } }),
      outage.env,
      createExecutionContext(),
    );
    expect(read.status).toBe(503);
    expect(await read.json()).toMatchObject({ error: { code: "STORAGE_UNAVAILABLE" } });

    const redelivered = await deliver("score-jobs", [second], env, 2);
    expect(redelivered.retryMessages).toEqual([]);
    const cached = await env.KV.get<{ predictions: Named[] }>(`result:${batch.id}`, "json");
    expect(new Set(cached?.predictions.map((p) => p.modelVersion))).toEqual(new Set(["seed-1", "copy-1"]));
    for (const p of cached?.predictions ?? []) expect(p.className).toBe(["genuine", "forged"][p.label]);
  });
});
