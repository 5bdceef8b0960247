// The feedback-store contract: a label is kept only for a row of the tenant's own batch, the
// latest given wins whatever order labels arrive in, and the rollups count each labelled row's
// agreement once, for the version that scored it, on the day of its latest label (read back
// through the metrics store); labels page oldest first; scored rows are found by (batch, row).
import { expect, it } from "vitest";
import { completedBatch, describeTables, H0, HOUR, judged, newBatch } from "./tables.ts";

const DAY = 24 * HOUR;
const byVersion = <T extends { modelVersion: string }>(rows: T[]) =>
  [...rows].sort((a, b) => a.modelVersion.localeCompare(b.modelVersion));

describeTables("FeedbackStore", (make) => {
  it("keeps labels only for rows of the tenant's own batches", async () => {
    const { batches, feedback, addTenant } = await make();
    const [tenantId, other] = [await addTenant(), await addTenant()];
    const [own, theirs] = [await completedBatch(batches, tenantId, H0), await completedBatch(batches, other, H0)];
    const { batch: pending } = await batches.createBatch(newBatch(tenantId));
    const labels = [...judged(own, [[0, 1, 1, "v1"]]), ...judged(theirs, [[0, 1, 1, "v1"]])];
    labels.push(...judged(pending.id, [[1, 0, 1, "v1"]]), ...judged("bat_missing", [[0, 1, 1, "v1"]]));
    await feedback.recordLabels(tenantId, labels, "api", H0 + 10);
    expect(await feedback.labelsOfBatch(own)).toEqual(new Map([[0, { label: 1, source: "api" }]]));
    expect(await feedback.labelsOfBatch(theirs)).toEqual(new Map());
    // Recording does not look at the batch's status; the feedback consumer judges only finished ones.
    expect(await feedback.labelsOfBatch(pending.id)).toEqual(new Map([[1, { label: 0, source: "api" }]]));
    expect(await feedback.labelledRows(other, null, 10)).toEqual([]);
  });

  it("keeps the latest label of a row: a later one replaces it, one given earlier changes nothing", async () => {
    const { batches, feedback, addTenant } = await make();
    const tenantId = await addTenant();
    const id = await completedBatch(batches, tenantId, H0);
    const label = async (value: 0 | 1, source: "api" | "webhook" | "dashboard", at: number) => {
      await feedback.recordLabels(tenantId, judged(id, [[2, value, 1, "v1"]]), source, at);
      return (await feedback.labelsOfBatch(id)).get(2);
    };
    expect(await label(1, "api", H0 + 2000)).toEqual({ label: 1, source: "api" });
    expect(await label(0, "webhook", H0 + 1000)).toEqual({ label: 1, source: "api" });
    expect(await label(0, "dashboard", H0 + 3000)).toEqual({ label: 0, source: "dashboard" });
    expect(await label(1, "webhook", H0 + 3000)).toEqual({ label: 1, source: "webhook" });
    expect(await feedback.labelledRows(tenantId, null, 10)).toEqual([
      { labelledAt: H0 + 3000, batchId: id, row: 2, label: 1 },
    ]);
  });

  it("counts each row's agreement once per version, retaken when relabelled, unmoved by stale or repeated events", async () => {
    const { batches, feedback, metrics, addTenant } = await make();
    const tenantId = await addTenant();
    const id = await completedBatch(batches, tenantId, H0, { rows: 4 });
    const accuracy = async () => byVersion(await metrics.accuracyByVersion(tenantId));
    const first = judged(id, [
      [0, 1, 1, "v1"],
      [1, 1, 0, "v2"],
      [2, 0, 0, "v2"],
    ]);
    await feedback.recordLabels(tenantId, first, "api", H0 + HOUR);
    const counted = [
      { modelVersion: "v1", labelled: 1, correct: 1 },
      { modelVersion: "v2", labelled: 2, correct: 1 },
    ];
    expect(await accuracy()).toEqual(counted);
    await feedback.recordLabels(tenantId, first, "api", H0 + HOUR);
    expect(await accuracy()).toEqual(counted);

    await feedback.recordLabels(tenantId, judged(id, [[1, 0, 0, "v2"]]), "webhook", H0 + 3 * HOUR);
    const relabelled = [counted[0], { modelVersion: "v2", labelled: 2, correct: 2 }];
    expect(await accuracy()).toEqual(relabelled);
    await feedback.recordLabels(tenantId, judged(id, [[1, 1, 0, "v2"]]), "api", H0 + 2 * HOUR);
    expect(await accuracy()).toEqual(relabelled);
    expect(await metrics.volumeSince(tenantId, 0)).toMatchObject({ batches: 1, rows: 4, feedback: 3 });
  });

  it("counts true labels 1 and true positives like agreement: retaken when relabelled, once per repeated event", async () => {
    const { batches, feedback, metrics, addTenant } = await make();
    const tenantId = await addTenant();
    const id = await completedBatch(batches, tenantId, H0, { rows: 4 });
    const confusion = async () => {
      const sum = { labelled: 0, correct: 0, labelledPositives: 0, truePositives: 0 };
      for (const hour of await metrics.rollupsSince(tenantId, 0)) {
        sum.labelled += hour.labelled;
        sum.correct += hour.correct;
        sum.labelledPositives += hour.labelledPositives;
        sum.truePositives += hour.truePositives;
      }
      return sum;
    };
    // [row, label, predicted]: a true positive, a false negative, a true negative, a false positive.
    const first = judged(id, [
      [0, 1, 1, "v1"],
      [1, 1, 0, "v1"],
      [2, 0, 0, "v1"],
      [3, 0, 1, "v1"],
    ]);
    await feedback.recordLabels(tenantId, first, "api", H0 + HOUR);
    const counted = { labelled: 4, correct: 2, labelledPositives: 2, truePositives: 1 };
    expect(await confusion()).toEqual(counted);
    await feedback.recordLabels(tenantId, first, "api", H0 + HOUR);
    expect(await confusion()).toEqual(counted);

    // Row 3 was a positive after all (a true positive now); row 0 was not (a false positive now).
    const relabels = judged(id, [
      [3, 1, 1, "v1"],
      [0, 0, 1, "v1"],
    ]);
    await feedback.recordLabels(tenantId, relabels, "dashboard", H0 + 3 * HOUR);
    const relabelled = { labelled: 4, correct: 2, labelledPositives: 2, truePositives: 1 };
    expect(await confusion()).toEqual(relabelled);
    await feedback.recordLabels(tenantId, judged(id, [[1, 0, 0, "v1"]]), "dashboard", H0 + 4 * HOUR);
    expect(await confusion()).toEqual({ labelled: 4, correct: 3, labelledPositives: 1, truePositives: 1 });
    await feedback.recordLabels(tenantId, judged(id, [[1, 0, 0, "v1"]]), "dashboard", H0 + 4 * HOUR);
    // A stale label, given before the latest, moves nothing.
    await feedback.recordLabels(tenantId, judged(id, [[0, 1, 1, "v1"]]), "api", H0 + 2 * HOUR);
    expect(await confusion()).toEqual({ labelled: 4, correct: 3, labelledPositives: 1, truePositives: 1 });
    // The counts moved to the hours of the labels that replaced them.
    const hours = await metrics.rollupsSince(tenantId, H0 + HOUR);
    expect(hours.map((h) => [h.hour - H0, h.labelledPositives, h.truePositives])).toEqual([
      [HOUR, 0, 0],
      [3 * HOUR, 1, 1],
      [4 * HOUR, 0, 0],
    ]);
  });

  it("moves a relabelled row's count to the day of its latest label", async () => {
    const { batches, feedback, metrics, addTenant } = await make();
    const tenantId = await addTenant();
    const id = await completedBatch(batches, tenantId, H0);
    await feedback.recordLabels(tenantId, judged(id, [[0, 1, 1, "v1"]]), "api", H0 + 10 * HOUR);
    await feedback.recordLabels(tenantId, judged(id, [[1, 1, 0, "v1"]]), "api", H0 + 11 * HOUR);
    expect(await metrics.accuracyByDay(tenantId, 0)).toEqual([{ day: "2026-01-01", labelled: 2, correct: 1 }]);
    await feedback.recordLabels(tenantId, judged(id, [[0, 0, 1, "v1"]]), "dashboard", H0 + DAY + HOUR);
    expect(await metrics.accuracyByDay(tenantId, 0)).toEqual([
      { day: "2026-01-01", labelled: 1, correct: 0 },
      { day: "2026-01-02", labelled: 1, correct: 0 },
    ]);
    await feedback.recordLabels(tenantId, judged(id, [[1, 0, 0, "v1"]]), "dashboard", H0 + DAY + 2 * HOUR);
    expect(await metrics.accuracyByDay(tenantId, 0)).toEqual([{ day: "2026-01-02", labelled: 2, correct: 1 }]);
  });

  it("pages the tenant's labels oldest first, by time, batch and row, each page after the last", async () => {
    const { batches, feedback, addTenant } = await make();
    const [tenantId, other] = [await addTenant(), await addTenant()];
    const ids = [await completedBatch(batches, tenantId, H0), await completedBatch(batches, tenantId, H0)].sort();
    await feedback.recordLabels(tenantId, judged(ids[1], [[0, 1, 1, "v1"]]), "api", H0 + 5);
    await feedback.recordLabels(tenantId, judged(ids[0], [[2, 0, 1, "v1"]]), "api", H0 + 5);
    await feedback.recordLabels(tenantId, judged(ids[0], [[1, 1, 1, "v1"]]), "api", H0 + 5);
    await feedback.recordLabels(tenantId, judged(ids[1], [[2, 0, 0, "v1"]]), "api", H0 + 1);
    await feedback.recordLabels(other, judged(await completedBatch(batches, other, H0), [[0, 1, 1, "v1"]]), "api", 0);
    const all = [
      { labelledAt: H0 + 1, batchId: ids[1], row: 2, label: 0 },
      { labelledAt: H0 + 5, batchId: ids[0], row: 1, label: 1 },
      { labelledAt: H0 + 5, batchId: ids[0], row: 2, label: 0 },
      { labelledAt: H0 + 5, batchId: ids[1], row: 0, label: 1 },
    ];
    expect(await feedback.labelledRows(tenantId, null, 10)).toEqual(all);
    const first = await feedback.labelledRows(tenantId, null, 2);
    expect(first).toEqual(all.slice(0, 2));
    expect(await feedback.labelledRows(tenantId, first[1], 2)).toEqual(all.slice(2));
    expect(await feedback.labelledRows(tenantId, all[3], 2)).toEqual([]);
  });

  it("finds which (batch, row) pairs are rows of the tenant's finished batches", async () => {
    const { batches, feedback, addTenant } = await make();
    const [tenantId, other] = [await addTenant(), await addTenant()];
    const done = await completedBatch(batches, tenantId, H0);
    const { batch: pending } = await batches.createBatch(newBatch(tenantId));
    const theirs = await completedBatch(batches, other, H0);
    const pairs = [
      { batchId: done, row: 0 },
      { batchId: done, row: 2 },
      { batchId: done, row: 3 },
      { batchId: pending.id, row: 0 },
      { batchId: theirs, row: 0 },
      { batchId: "bat_missing", row: 0 },
    ];
    expect(await feedback.findScored(tenantId, pairs)).toEqual(new Set([`${done}.0`, `${done}.2`]));
    expect(await feedback.findScored(tenantId, [])).toEqual(new Set());
  });
});
