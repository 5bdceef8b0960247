// The metrics-store contract: what GET /v1/metrics reads back from the hourly rollups, written
// here only as the services write them (batch completions and labels): a tenant's volume and
// latency since an hour, a version's traffic and feature bins, accuracy per version in the order
// versions first appeared, accuracy per UTC day, and the hours themselves with every count and
// histogram but the feature bins, which are read apart, for the hours and versions asked
// (GET /v1/metrics/history); all of them the tenant's own.
import { expect, it } from "vitest";
import { completedBatch, describeTables, H0, HOUR, judged } from "./tables.ts";

const DAY = 24 * HOUR;

describeTables("MetricsStore", (make) => {
  it("reads nothing for a tenant without rollups", async () => {
    const { metrics, addTenant } = await make();
    const tenantId = await addTenant();
    expect(await metrics.accuracyByVersion(tenantId)).toEqual([]);
    expect(await metrics.accuracyByDay(tenantId, 0)).toEqual([]);
    expect(await metrics.volumeSince(tenantId, 0)).toEqual({ batches: 0, rows: 0, feedback: 0, latency: [] });
    expect(await metrics.trafficSince(tenantId, "v1", 0)).toEqual({ rows: 0, bins: [] });
    expect(await metrics.rollupsSince(tenantId, 0)).toEqual([]);
    expect(await metrics.featureBinsSince(tenantId, 0, ["v1"])).toEqual([]);
  });

  it("reads the tenant's hours from an hour on, by hour and version, with their counts and histograms but the bins", async () => {
    const { batches, feedback, metrics, addTenant } = await make();
    const [tenantId, other] = [await addTenant(), await addTenant()];
    await completedBatch(batches, tenantId, H0, { rows: 9 });
    const id = await completedBatch(batches, tenantId, H0 + HOUR, {
      rows: 4,
      positives: 3,
      bins: [1, 3, 0, 4],
      latency: [0, 0, 1],
      scores: [0, 1, 3],
    });
    await completedBatch(batches, tenantId, H0 + HOUR, { rows: 2, scores: [2, 0, 0], latency: [1, 0, 0] });
    await completedBatch(batches, tenantId, H0 + HOUR, { modelVersion: "v0", batches: 0, rows: 1, scores: [] });
    await completedBatch(batches, other, H0 + HOUR, { rows: 50 });
    await feedback.recordLabels(
      tenantId,
      judged(id, [
        [0, 1, 1, "v1"],
        [1, 1, 0, "v1"],
        [2, 0, 1, "v1"],
      ]),
      "api",
      H0 + 2 * HOUR + 5,
    );
    const none = { labelled: 0, correct: 0, labelledPositives: 0, truePositives: 0 };
    expect(await metrics.rollupsSince(tenantId, H0 + 1)).toEqual([
      {
        hour: H0 + HOUR,
        modelVersion: "v0",
        batches: 0,
        rows: 1,
        positives: 1,
        ...none,
        latency: [0, 1, 0],
        scores: [],
      },
      {
        hour: H0 + HOUR,
        modelVersion: "v1",
        batches: 2,
        rows: 6,
        positives: 4,
        ...none,
        latency: [1, 0, 1],
        scores: [2, 1, 3],
      },
      {
        hour: H0 + 2 * HOUR,
        modelVersion: "v1",
        batches: 0,
        rows: 0,
        positives: 0,
        labelled: 3,
        correct: 1,
        labelledPositives: 2,
        truePositives: 1,
        latency: [],
        scores: [],
      },
    ]);
    expect((await metrics.rollupsSince(tenantId, H0)).map((r) => r.rows)).toEqual([9, 1, 6, 0]);
  });

  it("reads the feature bins of the hours from an hour on in which the versions asked scored rows", async () => {
    const { batches, feedback, metrics, addTenant } = await make();
    const [tenantId, other] = [await addTenant(), await addTenant()];
    await completedBatch(batches, tenantId, H0, { rows: 9, bins: [9, 0] });
    const id = await completedBatch(batches, tenantId, H0 + HOUR, { rows: 4, bins: [1, 3] });
    await completedBatch(batches, tenantId, H0 + HOUR, { rows: 2, bins: [2, 0] });
    await completedBatch(batches, tenantId, H0 + HOUR, { modelVersion: "v0", rows: 1, bins: [0, 1] });
    await completedBatch(batches, tenantId, H0 + 2 * HOUR, { modelVersion: "v2", rows: 5, bins: [5, 5] });
    await completedBatch(batches, other, H0 + HOUR, { rows: 50, bins: [50, 0] });
    // A label adds an hour for v1 in which it scored nothing: no bins to read there.
    await feedback.recordLabels(tenantId, judged(id, [[0, 1, 1, "v1"]]), "api", H0 + 3 * HOUR);
    expect(await metrics.featureBinsSince(tenantId, H0 + 1, ["v1", "v2"])).toEqual([
      { hour: H0 + HOUR, modelVersion: "v1", features: [3, 3] },
      { hour: H0 + 2 * HOUR, modelVersion: "v2", features: [5, 5] },
    ]);
    expect(await metrics.featureBinsSince(tenantId, 0, ["v0"])).toEqual([
      { hour: H0 + HOUR, modelVersion: "v0", features: [0, 1] },
    ]);
    expect(await metrics.featureBinsSince(tenantId, 0, [])).toEqual([]);
    // More versions than D1 binds parameters: they travel as one.
    const many = Array.from({ length: 150 }, (_v, i) => `v${i}`);
    expect((await metrics.featureBinsSince(tenantId, 0, many)).map((r) => [r.hour - H0, r.modelVersion])).toEqual([
      [0, "v1"],
      [HOUR, "v0"],
      [HOUR, "v1"],
      [2 * HOUR, "v2"],
    ]);
  });

  it("sums the tenant's batches, rows, labels and latency histogram from an hour on", async () => {
    const { batches, feedback, metrics, addTenant } = await make();
    const [tenantId, other] = [await addTenant(), await addTenant()];
    await completedBatch(batches, tenantId, H0, { rows: 7, latency: [1, 0, 0] });
    const later = await completedBatch(batches, tenantId, H0 + HOUR, { rows: 2, latency: [0, 1, 0] });
    await completedBatch(batches, tenantId, H0 + HOUR, { modelVersion: "v2", rows: 3, latency: [0, 0, 1] });
    await completedBatch(batches, tenantId, H0 + 2 * HOUR, { rows: 1, latency: [0, 1, 0] });
    await completedBatch(batches, other, H0 + HOUR, { rows: 50, latency: [9, 9, 9] });
    await feedback.recordLabels(tenantId, judged(later, [[0, 1, 1, "v1"]]), "api", H0 + 2 * HOUR + 5);
    expect(await metrics.volumeSince(tenantId, H0 + 1)).toEqual({
      batches: 3,
      rows: 6,
      feedback: 1,
      latency: [0, 2, 1],
    });
    expect(await metrics.volumeSince(tenantId, H0)).toMatchObject({ batches: 4, rows: 13, latency: [1, 2, 1] });
    expect(await metrics.volumeSince(tenantId, H0 + 3 * HOUR)).toEqual({
      batches: 0,
      rows: 0,
      feedback: 0,
      latency: [],
    });
  });

  it("sums a version's rows and feature bins from an hour on", async () => {
    const { batches, feedback, metrics, addTenant } = await make();
    const tenantId = await addTenant();
    await completedBatch(batches, tenantId, H0, { rows: 5, bins: [5, 0, 0, 0] });
    const id = await completedBatch(batches, tenantId, H0 + HOUR, { rows: 2, bins: [1, 1, 0, 0] });
    await completedBatch(batches, tenantId, H0 + HOUR, { rows: 1, bins: [0, 0, 1, 0] });
    await completedBatch(batches, tenantId, H0 + 2 * HOUR, { modelVersion: "v2", rows: 4, bins: [0, 0, 0, 4] });
    // A label adds an hour for v1 in which it scored nothing.
    await feedback.recordLabels(tenantId, judged(id, [[0, 1, 1, "v1"]]), "api", H0 + 3 * HOUR);
    expect(await metrics.trafficSince(tenantId, "v1", H0 + HOUR)).toEqual({ rows: 3, bins: [1, 1, 1, 0] });
    expect(await metrics.trafficSince(tenantId, "v1", 0)).toEqual({ rows: 8, bins: [6, 1, 1, 0] });
    expect(await metrics.trafficSince(tenantId, "v2", 0)).toEqual({ rows: 4, bins: [0, 0, 0, 4] });
    expect(await metrics.trafficSince(tenantId, "v3", 0)).toEqual({ rows: 0, bins: [] });
  });

  it("gives accuracy per labelled version, in the order the versions first appear", async () => {
    const { batches, feedback, metrics, addTenant } = await make();
    const [tenantId, other] = [await addTenant(), await addTenant()];
    const first = await completedBatch(batches, tenantId, H0, { modelVersion: "v9" });
    const second = await completedBatch(batches, tenantId, H0 + HOUR, { modelVersion: "v1" });
    await completedBatch(batches, tenantId, H0 + 2 * HOUR, { modelVersion: "v5" });
    await feedback.recordLabels(
      tenantId,
      judged(second, [
        [0, 1, 1, "v1"],
        [1, 1, 0, "v1"],
      ]),
      "api",
      H0 + 3 * HOUR,
    );
    await feedback.recordLabels(tenantId, judged(first, [[0, 0, 0, "v9"]]), "api", H0 + 4 * HOUR);
    await feedback.recordLabels(other, judged(await completedBatch(batches, other, 0), [[0, 1, 1, "v0"]]), "api", 0);
    expect(await metrics.accuracyByVersion(tenantId)).toEqual([
      { modelVersion: "v9", labelled: 1, correct: 1 },
      { modelVersion: "v1", labelled: 2, correct: 1 },
    ]);
  });

  it("gives accuracy per UTC day of the labels, from an hour on", async () => {
    const { batches, feedback, metrics, addTenant } = await make();
    const tenantId = await addTenant();
    const id = await completedBatch(batches, tenantId, H0, { rows: 5 });
    const label = (row: number, label: 0 | 1, at: number) =>
      feedback.recordLabels(tenantId, judged(id, [[row, label, 1, "v1"]]), "api", at);
    await label(0, 1, H0 + 10 * HOUR);
    await label(1, 0, H0 + 23 * HOUR + 59 * 60_000);
    await label(2, 1, H0 + 23 * HOUR);
    await label(3, 1, H0 + DAY);
    await label(4, 0, H0 + 3 * DAY + 1);
    expect(await metrics.accuracyByDay(tenantId, H0 + 12 * HOUR)).toEqual([
      { day: "2026-01-01", labelled: 2, correct: 1 },
      { day: "2026-01-02", labelled: 1, correct: 1 },
      { day: "2026-01-04", labelled: 1, correct: 0 },
    ]);
    expect(await metrics.accuracyByDay(tenantId, 0)).toEqual([
      { day: "2026-01-01", labelled: 3, correct: 2 },
      { day: "2026-01-02", labelled: 1, correct: 1 },
      { day: "2026-01-04", labelled: 1, correct: 0 },
    ]);
  });
});
