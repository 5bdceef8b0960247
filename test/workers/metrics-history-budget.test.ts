// GET /v1/metrics/history for a model of LIMITS.maxFeatures features over the longest window: the
// feature bins it reads stay within HISTORY_DRIFT_BUDGET counts (the latest whole days that fit,
// said by `driftFrom`), and each day's drift names at most HISTORY_DRIFT_FEATURES features, the
// version's highest PSI first chosen, in the version's feature order.
import { createExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { createApp } from "../../workers/http/app.ts";
import {
  HISTORY_DRIFT_BUDGET,
  HISTORY_DRIFT_FEATURES,
  HISTORY_MAX_DAYS,
  type MetricsHistory,
} from "../../workers/contract/api.ts";
import { LIMITS } from "../../workers/contract/limits.ts";
import { sealArtifact, type Artifact } from "../../model/index.ts";
import { hourOf } from "../../workers/services/rollup.ts";
import { DEMO_TENANT } from "../../workers/services/seed-demo.ts";
import { adapters, api, createTenantKey, ensureModel } from "./helpers.ts";
import { countingD1 } from "./counting-d1.ts";

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const dayOf = (ms: number) => new Date(ms).toISOString().slice(0, 10);
const WIDTH = LIMITS.maxFeatures;
const SKEWED = 700; // the one feature whose values all fall in its lowest training decile

/** Publishes the seed model widened to `WIDTH` features (its four repeated) as `version`. */
async function publishWide(key: string, version: string): Promise<void> {
  await ensureModel();
  const demo = await adapters().keys.findTenantByName(DEMO_TENANT);
  const record = demo && (await adapters().models.findModel(demo.id, "seed-1"));
  const text = record && (await adapters().models.readArtifact(record));
  if (!text) throw new Error("no seed model to widen");
  const { checksum: _, ...seed } = JSON.parse(text) as Artifact;
  const widen = <T>(values: readonly T[]) => Array.from({ length: WIDTH }, (_v, j) => values[j % values.length]);
  const artifact = await sealArtifact({
    ...seed,
    version,
    featureNames: Array.from({ length: WIDTH }, (_v, j) => `f${j}`),
    scaler: { mean: widen(seed.scaler.mean), scale: widen(seed.scaler.scale) },
    weights: widen(seed.weights),
    training: { ...seed.training, featureStats: widen(seed.training.featureStats) },
  });
  const response = await api("/v1/models", {
    method: "POST",
    key,
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ artifact, activate: false }),
  });
  expect(response.status).toBe(201);
}

/**
 * Every hour of the window, as the rollups would hold it had `version` scored 10 rows each hour:
 * one row per decile bin of every feature but SKEWED, whose 10 rows are all in its lowest bin.
 */
async function fillHours(tenantId: string, version: string, first: number, last: number): Promise<number> {
  const bins = Array.from({ length: WIDTH }, (_v, j) =>
    j === SKEWED ? [10, 0, 0, 0, 0, 0, 0, 0, 0, 0] : new Array<number>(10).fill(1),
  ).flat();
  const hours = (last - first) / HOUR + 1;
  await env.DB.prepare(
    `WITH RECURSIVE h(n) AS (SELECT 0 UNION ALL SELECT n + 1 FROM h WHERE n + 1 < ?)
     INSERT INTO rollups (tenant_id, hour, model_version, batches, rows, positives, latency, features, scores)
     SELECT ?, ? + n * ${HOUR}, ?, 1, 10, 5, '[0,1]', ?, '[]' FROM h`,
  )
    .bind(hours, tenantId, first, version, JSON.stringify(bins))
    .run();
  return hours;
}

describe(`GET /v1/metrics/history of a ${WIDTH}-feature model over ${HISTORY_MAX_DAYS} days`, () => {
  it("reads the feature bins of the latest whole days that fit the budget, and says from which day", async () => {
    const { key, tenantId } = await createTenantKey(["read", "admin"], { model: false });
    await publishWide(key, "wide-1");
    const now = Date.now();
    const today = Math.floor(now / DAY) * DAY;
    const first = today - (HISTORY_MAX_DAYS - 1) * DAY;
    const hours = await fillHours(tenantId, "wide-1", first, hourOf(now));
    // Unbounded, this is the ≈2,160 rows × 10,000 counts (≈43 MB of text) the review measured.
    expect(hours * WIDTH * 10).toBeGreaterThan(10 * HISTORY_DRIFT_BUDGET);

    const counting = countingD1(env.DB);
    const response = await createApp().fetch(
      new Request(`http://edge-svm.test/v1/metrics/history?days=${HISTORY_MAX_DAYS}`, {
        headers: { authorization: `Bearer ${key}` },
      }),
      { ...env, DB: counting.db },
      createExecutionContext(),
    );
    expect(response.status).toBe(200);
    const text = await response.text();
    const body = JSON.parse(text) as MetricsHistory;

    // Every day's counts, none of its feature bins.
    expect(body.from).toBe(dayOf(first));
    expect(body.series).toHaveLength(HISTORY_MAX_DAYS);
    expect(body.series.reduce((n, d) => n + d.rows, 0)).toBe(10 * hours);
    expect(body.series.every((d) => !("features" in d))).toBe(true);

    // Drift from the latest whole days whose bins fit: one more day would not have.
    expect(body.driftFrom).not.toBeNull();
    const driftFrom = body.driftFrom ?? "";
    expect(driftFrom > body.from).toBe(true);
    const rowsOf = (day: string) => body.series.find((d) => d.day === day)?.rows ?? 0;
    const covered = body.series.filter((d) => d.day >= driftFrom);
    expect(body.drift.map((d) => d.day)).toEqual(covered.map((d) => d.day));
    const hoursRead = covered.reduce((n, d) => n + d.rows / 10, 0);
    expect(hoursRead * WIDTH * 10).toBeLessThanOrEqual(HISTORY_DRIFT_BUDGET);
    expect((hoursRead + 24) * WIDTH * 10).toBeGreaterThan(HISTORY_DRIFT_BUDGET);
    // What was read: the bins of those hours (two characters a count here), not the window's.
    expect(counting.charsRead()).toBeLessThan(2.5 * HISTORY_DRIFT_BUDGET);

    // Each day names the same 50 features in the model's order: the drifting one and the first 49.
    const expected = [...Array.from({ length: HISTORY_DRIFT_FEATURES - 1 }, (_v, j) => `f${j}`), `f${SKEWED}`];
    for (const day of body.drift) {
      expect(day.features.map((f) => f.name)).toEqual(expected);
      const skewed = day.features.find((f) => f.name === `f${SKEWED}`);
      expect(skewed?.live[0]).toBe(1);
      expect(skewed?.drifting).toBe(rowsOf(day.day) >= 100);
    }
    expect(body.versions.map((v) => [v.modelVersion, v.featureNames.length])).toEqual([["wide-1", WIDTH]]);
    expect(text.length).toBeLessThan(1_000_000);
  });
});
