// The pipeline's own services, end to end on memory adapters (no binding touched): a batch is
// ingested, its queued claim checks are scored (one delivered twice, out of order, and the last
// again after completion), and it reads back complete with every row once, scored as the model
// scores it directly; its rollups count it once, and labels land through the same shared tables.
import { beforeAll, describe, expect, it } from "vitest";
import {
  buildArtifact,
  compileModel,
  crossValidate,
  generateClassification,
  scoreMatrix,
  selectRows,
  trainSvm,
  type Artifact,
  type Dataset,
} from "../../../model/index.ts";
import { createMemoryAdapters, type MemoryAdapters } from "../../../workers/adapters/memory/index.ts";
import type { Principal } from "../../../workers/adapters/key-store.ts";
import { ingestBatch } from "../../../workers/services/ingest-batch.ts";
import { readBatch } from "../../../workers/services/read-batch.ts";
import { recordFeedback } from "../../../workers/services/record-feedback.ts";
import { registerModel } from "../../../workers/services/register-model.ts";
import { scoreChunk } from "../../../workers/services/score-chunk.ts";

// 10,000 rows of 30 features are 300,000 cells: more than one chunk holds (LIMITS.maxChunkCells).
const [TRAIN, ROWS, D] = [300, 10_000, 30];
const data = generateClassification({
  rows: TRAIN + ROWS,
  features: D,
  informative: 6,
  redundant: 4,
  flip: 0.02,
  classSep: 1.2,
  seed: 20261203,
});
const batchRows = selectRows(
  data,
  Array.from({ length: ROWS }, (_, i) => TRAIN + i),
);
const rowsOf = (set: Dataset) =>
  Array.from({ length: set.y.length }, (_, i) => Array.from(set.x.subarray(i * D, (i + 1) * D)));

describe("memory adapters", () => {
  let artifact: Artifact;
  beforeAll(async () => {
    const train = selectRows(
      data,
      Array.from({ length: TRAIN }, (_, i) => i),
    );
    const metrics = crossValidate(train, { folds: 3 }).metrics;
    artifact = await buildArtifact({ version: "mem-1", data: train, result: trainSvm(train), metrics });
  });

  async function tenantWithModel(): Promise<{ adapters: MemoryAdapters; principal: Principal }> {
    const adapters = createMemoryAdapters();
    const { key } = await adapters.keys.createKey("acme", ["ingest", "read", "feedback"]);
    const principal = await adapters.keys.verifyKey(key);
    if (!principal) throw new Error("a key just made does not verify");
    await registerModel(adapters, principal.tenantId, artifact, {
      status: "champion",
      source: "seed",
      fingerprint: "t",
    });
    return { adapters, principal };
  }

  it("ingests, scores and reads back a batch of several chunks, every row once, counted once", async () => {
    const { adapters, principal } = await tenantWithModel();
    const tenantId = principal.tenantId;
    const ids = Array.from({ length: ROWS }, (_, i) => `row-${i}`);
    const body = { features: rowsOf(batchRows), ids, callbackUrl: "https://client.example/done" };
    const input = {
      body: { kind: "json" as const, value: body },
      bodyHash: "hash-1",
      idempotencyKey: "key-1",
      source: "api" as const,
    };
    const { replayed, accepted } = await ingestBatch(adapters, principal, input);
    expect(replayed).toBe(false);
    expect(accepted).toMatchObject({ status: "pending", rows: ROWS });
    const jobs = adapters.queues.sent.score;
    expect(jobs.length).toBeGreaterThan(1);
    expect(jobs.reduce((n, job) => n + job.rows, 0)).toBe(ROWS);

    const last = jobs.length - 1;
    expect(await scoreChunk(adapters, jobs[last])).toBe("scored");
    expect(await scoreChunk(adapters, jobs[last])).toBe("scored");
    const pending = await readBatch(adapters, tenantId, accepted.batchId);
    expect(pending).toMatchObject({ status: "pending", done: jobs[last].rows, predictions: [] });
    for (const job of jobs.slice(0, last - 1)) expect(await scoreChunk(adapters, job)).toBe("scored");
    expect(await scoreChunk(adapters, jobs[last - 1])).toBe("completed");
    expect(await scoreChunk(adapters, jobs[last - 1])).toBe("skipped");

    const result = await readBatch(adapters, tenantId, accepted.batchId);
    expect(result).toMatchObject({ batchId: accepted.batchId, status: "complete", rows: ROWS, done: ROWS });
    const predictions = result?.predictions ?? [];
    expect(predictions.map((p) => p.row)).toEqual(Array.from({ length: ROWS }, (_, i) => i));
    const direct = scoreMatrix(compileModel(artifact), batchRows.x);
    predictions.forEach((p, i) => {
      expect(p).toMatchObject({ id: ids[i], label: direct.labels[i], modelVersion: "mem-1" });
      expect(p.margin).toBeCloseTo(direct.margins[i], 9);
    });

    const volume = await adapters.metrics.volumeSince(tenantId, 0);
    expect(volume).toMatchObject({ batches: 1, rows: ROWS, feedback: 0 });
    expect(await adapters.metrics.trafficSince(tenantId, "mem-1", 0)).toMatchObject({ rows: ROWS });
    // The completing chunk queued the client's callback, and the redelivery after it queued it again
    // (publishing is idempotent: receivers dedupe on the webhook id).
    const callback = { kind: "callback", tenantId, batchId: accepted.batchId, url: "https://client.example/done" };
    expect(adapters.queues.sent.callback).toEqual([callback, callback]);
    expect(adapters.rows.keys(`rows/${tenantId}/${accepted.batchId}/`)).toHaveLength(1 + jobs.length);

    // The same request again is answered from the idempotency key (as the batch now stands) and queues nothing.
    expect(await ingestBatch(adapters, principal, input)).toEqual({
      replayed: true,
      accepted: { ...accepted, status: "complete" },
    });
    expect(adapters.queues.sent.score).toHaveLength(jobs.length);

    // Labels are judged against the stored scores and counted in the same rollups.
    const labelledAt = Date.now();
    const truth = [direct.labels[0], 1 - direct.labels[1]] as (0 | 1)[];
    const event = { kind: "feedback" as const, tenantId, batchId: accepted.batchId, rows: [0, 1], labels: truth };
    await recordFeedback(adapters, { ...event, source: "api", labelledAt });
    expect(await adapters.metrics.accuracyByVersion(tenantId)).toEqual([
      { modelVersion: "mem-1", labelled: 2, correct: 1 },
    ]);
    expect(await adapters.runs.countFeedbackSince(tenantId, 0)).toBe(2);
  });

  it("keeps another tenant out of the batch", async () => {
    const { adapters, principal } = await tenantWithModel();
    const body = { features: rowsOf(selectRows(batchRows, [0, 1, 2])) };
    const input = {
      body: { kind: "json" as const, value: body },
      bodyHash: "h",
      idempotencyKey: null,
      source: "api" as const,
    };
    const { accepted } = await ingestBatch(adapters, principal, input);
    for (const job of adapters.queues.sent.score) await scoreChunk(adapters, job);
    expect(await readBatch(adapters, principal.tenantId, accepted.batchId)).toMatchObject({ status: "complete" });
    const stranger = (await adapters.keys.ensureTenant("stranger")).id;
    expect(await readBatch(adapters, stranger, accepted.batchId)).toBeNull();
  });
});
