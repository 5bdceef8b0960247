// Rules on what goes in: feature values bounded, margins always finite, queue messages sized in
// bytes, malformed ids a 4xx everywhere, feedback arrays capped and resolved in one query.
import { env } from "cloudflare:workers";
import { Webhook } from "standardwebhooks";
import { beforeAll, describe, expect, it, vi } from "vitest";
import { LIMITS } from "../../workers/contract/limits.ts";
import {
  adapters,
  api,
  callRecorded,
  createTenantKey,
  deliver,
  ensureModel,
  gzipJson,
  makeRows,
  newBatch,
  postBatch,
  scoreJobs,
} from "./helpers.ts";
import { countingD1 } from "./counting-d1.ts";
import { recordingEnv } from "./recording-env.ts";

interface ErrorBody {
  error: { code: string; message: string };
}
interface Result {
  status: string;
  error: string | null;
  predictions: { row: number; margin: number; label: number }[];
}

beforeAll(async () => {
  await ensureModel();
});

async function waitDone(key: string, batchId: string): Promise<Result> {
  return vi.waitFor(
    async () => {
      const body = await (await api(`/v1/batches/${batchId}`, { key })).json<Result>();
      if (body.status === "pending") throw new Error("still pending");
      return body;
    },
    { timeout: 10_000, interval: 25 },
  );
}

describe("feature values are bounded at every way in", () => {
  it("refuses 1e200 at ingest with a 422 naming the cell", async () => {
    const { key } = await createTenantKey();
    const features = makeRows(3);
    features[2][1] = 1e200;
    const response = await postBatch(key, { features });
    expect(response.status).toBe(422);
    const { error } = await response.json<ErrorBody>();
    expect(error.code).toBe("VALUE_OUT_OF_RANGE");
    expect(error.message).toContain("features[2][1]");
  });

  it("refuses values near 1e308 at /v1/predict instead of answering a null margin", async () => {
    const { key } = await createTenantKey();
    const response = await api("/v1/predict", {
      method: "POST",
      key,
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ features: [[1.7e308, 1.7e308, -1.7e308, 1]] }),
    });
    expect(response.status).toBe(422);
    expect((await response.json<ErrorBody>()).error.message).toContain("features[0][0]");
  });

  it("accepts the bound itself and answers finite margins", async () => {
    const { key } = await createTenantKey();
    const response = await api("/v1/predict", {
      method: "POST",
      key,
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ features: [[1e15, -1e15, 1e15, -1e15]] }),
    });
    expect(response.status).toBe(200);
    const { predictions } = await response.json<{ predictions: { margin: number }[] }>();
    expect(Number.isFinite(predictions[0].margin)).toBe(true);
  });

  it("scores a queued chunk of extreme rows with finite margins and completes the batch (no retry storm)", async () => {
    const { key, tenantId } = await createTenantKey();
    const extreme = [
      [1.7e308, 1.7e308, 1.7e308, 1.7e308],
      [-1.7e308, 1.7e308, -1.7e308, 1.7e308],
    ];
    const batch = await newBatch(tenantId, 2, 1, null, null, extreme);
    const result = await deliver("score-jobs", scoreJobs(batch), recordingEnv().env);
    expect(result.retryMessages).toEqual([]);
    expect(result.explicitAcks).toEqual(["m0"]);
    const body = await waitDone(key, batch.id);
    expect(body.status).toBe("complete");
    for (const p of body.predictions) expect(Number.isFinite(p.margin)).toBe(true);
  });
});

describe("rows travel by claim check, whatever their ids", () => {
  it("accepts a 10,000-row batch with non-ASCII ids, keeps them exactly in R2 and queues one small message", async () => {
    const { key, tenantId } = await createTenantKey();
    const rows = makeRows(LIMITS.maxBatchRows);
    // Half the ids short ASCII, half 128 characters of 3 UTF-8 bytes each (1 UTF-16 unit).
    const ids = rows.map((_, i) => (i < rows.length / 2 ? `a${i}` : `${i}-`.padEnd(LIMITS.maxIdLength, "識")));
    const { response, sent } = await callRecorded("/v1/batches", {
      method: "POST",
      key,
      headers: { "content-type": "application/json", "content-encoding": "gzip" },
      body: gzipJson({ features: rows, ids }),
    });
    expect(response.status).toBe(202);
    const sizes = sent.map((m) => new TextEncoder().encode(JSON.stringify(m.body)).byteLength);
    expect(sizes.length).toBe(1);
    expect(sizes[0]).toBeLessThanOrEqual(1_000);
    const { batchId } = await response.json<{ batchId: string }>();
    expect((await adapters().rows.getInput(tenantId, batchId))?.ids).toEqual(ids);
  });
});

describe("malformed ids are a 4xx everywhere", () => {
  const long = `bat_${"x".repeat(5000)}`;
  it.for([
    ["GET", "a 5,000-character batch id", `/v1/batches/${long}`],
    ["GET", "an export of a 5,000-character batch id", `/v1/batches/${long}/export.csv`],
    ["GET", "a batch id with spaces", "/v1/batches/not%20an%20id"],
    ["POST", "feedback for a 5,000-character batch id", `/v1/batches/${long}/feedback`],
    ["GET", "a 5,000-character model version", `/v1/models/${"v".repeat(5000)}`],
    ["POST", "activating a 5,000-character model version", `/v1/models/${"v".repeat(5000)}/activate`],
  ])("%s %s answers 400", async ([method, , path]) => {
    const { key } = await createTenantKey();
    const response = await api(path, {
      method,
      key,
      ...(method === "POST"
        ? { headers: { "content-type": "application/json" }, body: '{"rows":[0],"labels":[1]}' }
        : {}),
    });
    expect(response.status).toBe(400);
    const { error } = await response.json<ErrorBody>();
    expect(error.code).toBe("INVALID_REQUEST");
    expect(error.message.length).toBeLessThan(300);
  });
});

describe("feedback arrays", () => {
  it("refuses more than 10,000 labels in one request", async () => {
    const { key } = await createTenantKey();
    const labels = Array.from({ length: LIMITS.maxFeedbackLabels + 1 }, () => 1);
    const response = await api("/v1/batches/bat_abc/feedback", {
      method: "POST",
      key,
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ rows: labels.map((_, i) => i), labels }),
    });
    expect(response.status).toBe(400);
  });

  it("refuses more than 10,000 labels in a signed webhook", async () => {
    const { tenant } = await createTenantKey();
    const secret = (await adapters().keys.findTenantByName(tenant))?.webhookSecret ?? "";
    const labels = Array.from({ length: LIMITS.maxFeedbackLabels + 1 }, () => 1);
    const body = JSON.stringify({
      type: "feedback.labels",
      tenant,
      data: { batchId: "bat_abc", rows: labels.map((_, i) => i), labels },
    });
    const at = new Date();
    const response = await api("/v1/webhooks/feedback", {
      method: "POST",
      headers: {
        "content-type": "application/json",
        "webhook-id": "msg_big",
        "webhook-timestamp": String(Math.floor(at.getTime() / 1000)),
        "webhook-signature": new Webhook(secret).sign("msg_big", at, body),
      },
      body,
    });
    expect(response.status).toBe(400);
  });

  it("resolves 10,000 rows of a batch in one query", async () => {
    const { key } = await createTenantKey();
    const { batchId } = await (
      await postBatch(key, { features: makeRows(LIMITS.maxBatchRows) })
    ).json<{
      batchId: string;
    }>();
    expect((await waitDone(key, batchId)).status).toBe("complete");
    const counting = countingD1(env.DB);
    const rows = Array.from({ length: LIMITS.maxFeedbackLabels }, (_, i) => i);
    const { response, sent } = await callRecorded(
      `/v1/batches/${batchId}/feedback`,
      {
        method: "POST",
        key,
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ rows, labels: rows.map((r) => r % 2) }),
      },
      { DB: counting.db },
    );
    expect(response.status).toBe(202);
    expect(sent).toHaveLength(1);
    // Row indexes are checked against the batch's row count: one lookup of the batch, no rows read.
    expect(counting.statements.filter((s) => /FROM\s+"?batches"?/i.test(s))).toHaveLength(1);
  });
});

describe("training with rows recorded before values were bounded", () => {
  it("skips and counts a labelled [1e200, 0, 0, 0] row instead of failing every later retrain", async () => {
    const { key, tenantId } = await createTenantKey();
    const batch = await newBatch(tenantId, 1, 1, null, null, [[1e200, 0, 0, 0]]);
    await deliver("score-jobs", scoreJobs(batch), recordingEnv().env);
    await env.DB.prepare(
      "INSERT INTO feedback (batch_id, row, tenant_id, label, predicted, model_version, source, labelled_at, received_at) VALUES (?, 0, ?, 0, 1, 'seed-1', 'api', ?, ?)",
    )
      .bind(batch.id, tenantId, Date.now(), Date.now())
      .run();
    const champion = (await adapters().models.findChampion(tenantId))?.version;
    const response = await api("/v1/models/retrain", {
      method: "POST",
      key,
      headers: { "content-type": "application/json" },
      body: '{"force":true}',
    });
    const outcome = await response.json<{ status: string; reason?: string; details?: { skipped: number } }>();
    expect(outcome.status, outcome.reason).not.toBe("failed");
    expect(outcome.details?.skipped).toBeGreaterThanOrEqual(1);
    if (champion && (await adapters().models.findChampion(tenantId))?.version !== champion) {
      await api(`/v1/models/${champion}/activate`, { method: "POST", key });
    }
  });
});
