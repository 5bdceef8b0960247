// GET /v1/metrics/history, the dashboard's charts: per UTC day and model version what the hourly
// rollups hold (volumes, latency, the margins' histogram, the confusion counts of labels, the
// feature bins) and each day's drift against the version's training deciles; the tenant's own.
import { createExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { createApp } from "../../workers/http/app.ts";
import type { FeedbackEvent } from "../../workers/contract/messages.ts";
import type { MetricsHistory } from "../../workers/contract/api.ts";
import { psiFromCounts } from "../../model/index.ts";
import {
  hourOf,
  LATENCY_BOUNDS_MS,
  latencyBuckets,
  SCORE_BOUNDS,
  type RollupDelta,
} from "../../workers/services/rollup.ts";
import { adapters, api, createTenantKey, deliver, ensureModel, newBatch, scoreJobs } from "./helpers.ts";
import { countingD1 } from "./counting-d1.ts";

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const dayOf = (ms: number) => new Date(ms).toISOString().slice(0, 10);

beforeAll(async () => {
  await ensureModel();
});

const history = async (key: string, query = "") => {
  const response = await api(`/v1/metrics/history${query}`, { key });
  expect(response.status).toBe(200);
  return response.json<MetricsHistory>();
};

/** Completes a new batch of the tenant's with these per-version counts, at `completedAt`. */
async function completeWith(tenantId: string, completedAt: number, deltas: Partial<RollupDelta>[]) {
  const batch = await newBatch(tenantId, 1, 1);
  const full = deltas.map((counts, i) => ({
    tenantId,
    hour: hourOf(completedAt),
    modelVersion: "seed-1",
    batches: i === 0 ? 1 : 0,
    rows: 0,
    positives: 0,
    bins: [],
    latency: [],
    scores: [],
    ...counts,
  }));
  await adapters().batches.completeBatch(batch.id, completedAt, full);
}

/** Feature-major bins of the seed model's four features, ten deciles each. */
const bins = (perFeature: number[][]) => perFeature.flat();
const even = (rows: number) => new Array<number>(10).fill(rows / 10);

describe("the score histogram", () => {
  it("counts every scored row's margin in the SCORE_BOUNDS buckets once its batch completes", async () => {
    const { key, tenantId } = await createTenantKey();
    const batch = await newBatch(tenantId, 40, 2);
    const [first, last] = scoreJobs(batch);
    await deliver("score-jobs", [first]);
    await deliver("score-jobs", [last, last]);
    const { predictions } = await (
      await api(`/v1/batches/${batch.id}`, { key })
    ).json<{ predictions: { margin: number; label: number }[] }>();
    const expected = new Array<number>(SCORE_BOUNDS.length + 1).fill(0);
    for (const { margin } of predictions) {
      const k = SCORE_BOUNDS.findIndex((bound) => margin <= bound);
      expected[k === -1 ? SCORE_BOUNDS.length : k]++;
    }

    const body = await history(key, "?days=1");
    expect(body.scoreBounds).toEqual([-3, -2.5, -2, -1.5, -1, -0.5, 0, 0.5, 1, 1.5, 2, 2.5, 3]);
    expect(body.latencyBoundsMs).toEqual(LATENCY_BOUNDS_MS);
    expect(body.series).toHaveLength(1);
    const [today] = body.series;
    expect(today).toMatchObject({
      day: dayOf(Date.now()),
      modelVersion: "seed-1",
      batches: 1,
      rows: 40,
      positives: predictions.filter((p) => p.label === 1).length,
      scores: expected,
    });
    expect(today.scores.reduce((a, b) => a + b, 0)).toBe(40);
    expect(today.latency).toHaveLength(LATENCY_BOUNDS_MS.length + 1);
    // The live distribution beside the training one: each feature's shares of the 40 rows.
    const [drift] = body.drift;
    expect(drift).toMatchObject({ day: today.day, modelVersion: "seed-1", rows: 40 });
    for (const feature of drift.features) {
      expect(feature.live).toHaveLength(10);
      expect(feature.live.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 12);
      expect(feature.drifting).toBe(false); // fewer rows than drift needs
    }
  });
});

describe("the confusion counts", () => {
  it("counts true labels 1 and true positives once, moved by a replacing label, unmoved by a redelivery", async () => {
    const { key, tenantId } = await createTenantKey();
    const batch = await newBatch(tenantId, 4, 1);
    await deliver("score-jobs", scoreJobs(batch));
    const said = (
      await (await api(`/v1/batches/${batch.id}`, { key })).json<{ predictions: { label: 0 | 1 }[] }>()
    ).predictions.map((p) => p.label);
    const now = Date.now();
    const event = (labels: (0 | 1)[], labelledAt: number): FeedbackEvent => ({
      kind: "feedback",
      tenantId,
      batchId: batch.id,
      rows: [0, 1, 2, 3],
      labels,
      source: "api",
      labelledAt,
    });
    const expected = (labels: (0 | 1)[]) => ({
      labelled: 4,
      correct: labels.filter((label, i) => label === said[i]).length,
      labelledPositives: labels.filter((label) => label === 1).length,
      truePositives: labels.filter((label, i) => label === 1 && said[i] === 1).length,
    });
    const confusion = async () => {
      const sum = { labelled: 0, correct: 0, labelledPositives: 0, truePositives: 0 };
      for (const day of (await history(key)).series) {
        sum.labelled += day.labelled;
        sum.correct += day.correct;
        sum.labelledPositives += day.labelledPositives;
        sum.truePositives += day.truePositives;
      }
      return sum;
    };

    const first: (0 | 1)[] = [1, 1, 0, 0];
    await deliver("feedback-events", [event(first, now - 2000)]);
    expect(await confusion()).toEqual(expected(first));
    await deliver("feedback-events", [event(first, now - 2000)]); // redelivered
    expect(await confusion()).toEqual(expected(first));
    // Row 0 was a negative after all, rows 2 and 3 positives: the counts move with the labels.
    const second: (0 | 1)[] = [0, 1, 1, 1];
    await deliver("feedback-events", [event(second, now - 1000)]);
    expect(await confusion()).toEqual(expected(second));
    await deliver("feedback-events", [event(first, now - 1500)]); // a stale label arriving late
    expect(await confusion()).toEqual(expected(second));
  });
});

describe("GET /v1/metrics/history", () => {
  it("groups the tenant's hours by UTC day and version, with sums, latency percentiles and daily drift", async () => {
    const { key, tenantId } = await createTenantKey();
    const other = await createTenantKey();
    const today = Math.floor(Date.now() / DAY) * DAY;
    const [yesterday, longAgo] = [today - DAY, today - 3 * DAY];
    // Yesterday: seed-1 scores 200 rows in two batches, all of feature 0 in its lowest decile.
    const skewed = bins([[100, 0, 0, 0, 0, 0, 0, 0, 0, 0], even(100), even(100), even(100)]);
    await completeWith(tenantId, yesterday + 1, [
      { rows: 100, positives: 30, bins: skewed, latency: latencyBuckets(30), scores: [100] },
    ]);
    await completeWith(tenantId, yesterday + 2 * HOUR, [
      { rows: 100, positives: 20, bins: skewed, latency: latencyBuckets(40), scores: [50, 50] },
      { modelVersion: "v-gone", rows: 5, positives: 5, bins: [5], scores: [0, 0, 5] },
    ]);
    await completeWith(tenantId, yesterday + 3 * HOUR, [
      { rows: 10, positives: 0, bins: bins([even(10), even(10), even(10), even(10)]), latency: latencyBuckets(4000) },
    ]);
    await completeWith(tenantId, longAgo + 1, [{ rows: 7, positives: 7, latency: latencyBuckets(70) }]);
    await completeWith(other.tenantId, yesterday + 1, [{ rows: 999, positives: 999, latency: latencyBuckets(9) }]);

    const body = await history(key);
    // Four features' bins over the whole window fit the budget: drift covers every day.
    expect(body).toMatchObject({
      days: 14,
      from: dayOf(today - 13 * DAY),
      to: dayOf(today),
      driftFrom: dayOf(today - 13 * DAY),
    });
    const counts = (day: MetricsHistory["series"][number]) => [
      day.day,
      day.modelVersion,
      day.batches,
      day.rows,
      day.positives,
    ];
    expect(body.series.map(counts)).toEqual([
      [dayOf(longAgo), "seed-1", 1, 7, 7],
      [dayOf(yesterday), "seed-1", 3, 210, 50],
      [dayOf(yesterday), "v-gone", 0, 5, 5],
    ]);
    const seed = body.series[1];
    const latency = new Array<number>(LATENCY_BOUNDS_MS.length + 1).fill(0);
    latency[1] = 2; // 30 and 40 ms: ≤ 50
    latency[7] = 1; // 4 s: ≤ 5 s
    expect(seed).toMatchObject({ latency, latencyMsP50: 50, latencyMsP95: 5000 });
    expect(seed.scores).toEqual([150, 50, ...new Array<number>(12).fill(0)]);
    // The feature bins are read for drift, not answered per day (they grow with the model's width).
    expect(seed).not.toHaveProperty("features");
    expect(body.series[2]).toMatchObject({
      latencyMsP50: null,
      latencyMsP95: null,
      scores: [0, 0, 5, ...new Array<number>(11).fill(0)],
    });

    expect(body.versions).toEqual([
      {
        modelVersion: "seed-1",
        featureNames: ["variance", "skewness", "curtosis", "entropy"],
        deciles: expect.any(Array),
      },
      { modelVersion: "v-gone", featureNames: [], deciles: [] },
    ]);
    expect(body.versions[0].deciles.map((edges) => edges.length)).toEqual([11, 11, 11, 11]);
    // Drift per day for the versions whose training deciles are known, against 10% per bin.
    expect(body.drift.map((d) => [d.day, d.modelVersion, d.rows])).toEqual([
      [dayOf(longAgo), "seed-1", 7],
      [dayOf(yesterday), "seed-1", 210],
    ]);
    const [variance, skewness] = body.drift[1].features;
    expect(variance).toMatchObject({ name: "variance", drifting: true });
    expect(variance.psi).toBeCloseTo(psiFromCounts([201, 1, 1, 1, 1, 1, 1, 1, 1, 1]), 12);
    expect(variance.live[0]).toBeCloseTo(201 / 210, 12);
    expect(skewness).toEqual({ name: "skewness", psi: 0, drifting: false, live: new Array<number>(10).fill(0.1) });
    // 7 rows with no feature bins counted: no drift measured.
    expect(body.drift[0].features.map((f) => [f.psi, f.drifting])).toEqual(new Array(4).fill([0, false]));

    const recent = await history(key, "?days=2");
    expect(recent).toMatchObject({ days: 2, from: dayOf(yesterday), to: dayOf(today) });
    expect(recent.series.map(counts)).toEqual(body.series.slice(1).map(counts));
  });

  it("reads the rollups' counts and then their feature bins, never the batches or the labels themselves", async () => {
    const { key, tenantId } = await createTenantKey();
    await deliver("score-jobs", scoreJobs(await newBatch(tenantId, 3, 1)));
    const counting = countingD1(env.DB);
    const response = await createApp().fetch(
      new Request("http://edge-svm.test/v1/metrics/history?days=90", { headers: { authorization: `Bearer ${key}` } }),
      { ...env, DB: counting.db },
      createExecutionContext(),
    );
    expect(response.status).toBe(200);
    const reads = counting.statements.filter((s) => /\bfrom\s+"?rollups"?/i.test(s));
    expect(reads).toHaveLength(2);
    expect(reads.filter((s) => /\bfeatures\b/i.test(s))).toHaveLength(1);
    expect(counting.statements.filter((s) => /\bfrom\s+"?(batches|feedback)"?/i.test(s))).toEqual([]);
  });

  it("answers a tenant without rollups with empty series", async () => {
    const { key } = await createTenantKey();
    const body = await history(key, "?days=90");
    expect(body).toMatchObject({ days: 90, series: [], versions: [], drift: [], driftFrom: body.from });
  });

  it.each(["0", "91", "1.5", "-3", "abc", ""])("refuses days=%s with a 400", async (days) => {
    const { key } = await createTenantKey(["read"]);
    const response = await api(`/v1/metrics/history?days=${days}`, { key });
    expect(response.status).toBe(400);
    expect((await response.json<{ error: { code: string } }>()).error.code).toBe("INVALID_REQUEST");
  });

  it("needs the read scope", async () => {
    const { key } = await createTenantKey(["ingest"], { model: false });
    expect((await api("/v1/metrics/history", { key })).status).toBe(403);
  });
});
