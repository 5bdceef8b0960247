// The run-store contract: runs are recorded or started then finished, listed newest first per
// tenant, found by id within the tenant, abandoned ones closed; "last trained" counts only runs
// that trained, and a tenant is due for retraining once enough labels arrived since then.
import { env } from "cloudflare:workers";
import { expect, it } from "vitest";
import { createKeyStore } from "../../../workers/adapters/key-store.ts";
import { createRunStore, type RunResult, type RunStore } from "../../../workers/adapters/run-store.ts";
import { createMemoryRunStore, type LabelReceipt } from "../../../workers/adapters/memory/run-store.ts";
import { describeContract, freshId, testDatabase } from "./contract.ts";

interface Fixture {
  runs: RunStore;
  /** A tenant id labels can be recorded for. */
  addTenant(): Promise<string>;
  /** Records one label per time, received then. */
  addLabels(tenantId: string, receivedAt: number[]): Promise<void>;
}

// Labels are found across every tenant in the shared D1, so this file's are dated long ago (before
// any real label), and each run of the file earlier than the last (mirrored about 2000).
const T = 2 * Date.UTC(2000, 0, 1) - Date.now();

const promoted: RunResult = { status: "promoted", reason: "better", details: { accuracy: 0.9 } };
const outcome = (status: RunResult["status"]): RunResult => ({ status, reason: status, details: {} });

async function addD1Labels(tenantId: string, receivedAt: number[]) {
  // Labels belong to a scored batch (a foreign key), so the batch row comes first.
  const batchId = `bat_${crypto.randomUUID().replaceAll("-", "")}`;
  await env.DB.prepare(
    "INSERT INTO batches (id, tenant_id, status, rows, chunks, feature_count, body_hash, created_at) VALUES (?, ?, 'complete', ?, 1, 4, '', ?)",
  )
    .bind(batchId, tenantId, receivedAt.length, Date.now())
    .run();
  const insert = env.DB.prepare(
    "INSERT INTO feedback (batch_id, row, tenant_id, label, source, labelled_at, received_at) VALUES (?, ?, ?, 1, 'api', ?, ?)",
  );
  await env.DB.batch(receivedAt.map((at, row) => insert.bind(batchId, row, tenantId, at, at)));
}

describeContract<Fixture>(
  "RunStore",
  "d1",
  () => {
    const keys = createKeyStore(testDatabase(), env.WEBHOOK_SECRETS_KEY);
    return {
      runs: createRunStore(testDatabase()),
      addTenant: async () => (await keys.ensureTenant(freshId("acme"))).id,
      addLabels: addD1Labels,
    };
  },
  () => {
    const labels: LabelReceipt[] = [];
    return {
      runs: createMemoryRunStore(() => labels),
      addTenant: async () => freshId("ten"),
      addLabels: async (tenantId, times) => void labels.push(...times.map((receivedAt) => ({ tenantId, receivedAt }))),
    };
  },
  (make) => {
    it("records a run that already has its outcome, finished", async () => {
      const { runs, addTenant } = await make();
      const [tenantId, id] = [await addTenant(), freshId("run")];
      const before = Date.now();
      await runs.record(tenantId, id, "seed", 1000, { ...promoted, championVersion: "seed-1" });
      const [run] = await runs.listRuns(tenantId, 10);
      expect(run).toEqual({
        id,
        tenantId,
        trigger: "seed",
        status: "promoted",
        reason: "better",
        details: JSON.stringify({ accuracy: 0.9 }),
        championVersion: "seed-1",
        challengerVersion: null,
        startedAt: 1000,
        finishedAt: expect.any(Number),
      });
      expect(run.finishedAt).toBeGreaterThanOrEqual(before);
    });

    it("shows a started run as running until it is finished with its outcome", async () => {
      const { runs, addTenant } = await make();
      const [tenantId, id] = [await addTenant(), freshId("run")];
      await runs.start(tenantId, id, "api", 2000);
      expect(await runs.listRuns(tenantId, 10)).toMatchObject([
        { id, status: "running", reason: null, details: null, finishedAt: null },
      ]);
      await runs.finish(id, { ...outcome("rejected"), championVersion: "v1", challengerVersion: "v2" });
      expect(await runs.listRuns(tenantId, 10)).toMatchObject([
        { id, status: "rejected", reason: "rejected", details: "{}", championVersion: "v1", challengerVersion: "v2" },
      ]);
      expect((await runs.listRuns(tenantId, 10))[0].finishedAt).toEqual(expect.any(Number));
      await runs.finish(freshId("run"), promoted);
    });

    it("refuses a second run with the same id", async () => {
      const { runs, addTenant } = await make();
      const [tenantId, id] = [await addTenant(), freshId("run")];
      await runs.start(tenantId, id, "cron", 1);
      await expect(runs.start(tenantId, id, "cron", 2)).rejects.toThrow();
      await expect(runs.record(tenantId, id, "cron", 3, promoted)).rejects.toThrow();
      expect(await runs.listRuns(tenantId, 10)).toMatchObject([{ id, startedAt: 1, status: "running" }]);
    });

    it("lists a tenant's own runs, newest start first, up to the limit", async () => {
      const { runs, addTenant } = await make();
      const [tenantId, other] = [await addTenant(), await addTenant()];
      for (const startedAt of [300, 100, 400, 200])
        await runs.record(tenantId, freshId("run"), "cron", startedAt, promoted);
      await runs.record(other, freshId("run"), "cron", 500, promoted);
      expect((await runs.listRuns(tenantId, 10)).map((r) => r.startedAt)).toEqual([400, 300, 200, 100]);
      expect((await runs.listRuns(tenantId, 2)).map((r) => r.startedAt)).toEqual([400, 300]);
      expect(await runs.listRuns(await addTenant(), 10)).toEqual([]);
    });

    it("finds one of the tenant's runs by id, and none of another tenant's or unknown", async () => {
      const { runs, addTenant } = await make();
      const [tenantId, other] = [await addTenant(), await addTenant()];
      const [id, theirs] = [freshId("run"), freshId("run")];
      await runs.record(tenantId, id, "api", 700, { ...promoted, challengerVersion: "v2" });
      await runs.record(other, theirs, "api", 800, promoted);
      expect(await runs.findRun(tenantId, id)).toEqual((await runs.listRuns(tenantId, 1))[0]);
      expect(await runs.findRun(tenantId, id)).toMatchObject({ id, tenantId, challengerVersion: "v2" });
      expect(await runs.findRun(tenantId, theirs)).toBeNull();
      expect(await runs.findRun(tenantId, freshId("run"))).toBeNull();
    });

    it("closes the tenant's runs left running that started before the cut-off, and no others", async () => {
      const { runs, addTenant } = await make();
      const [tenantId, other] = [await addTenant(), await addTenant()];
      const [dead, atCutOff, done, elsewhere] = [freshId("run"), freshId("run"), freshId("run"), freshId("run")];
      await runs.start(tenantId, dead, "cron", 100);
      await runs.start(tenantId, atCutOff, "cron", 500);
      await runs.record(tenantId, done, "cron", 50, promoted);
      await runs.start(other, elsewhere, "cron", 100);
      expect(await runs.closeAbandoned(tenantId, 500, "its isolate died")).toBe(1);
      const byId = new Map((await runs.listRuns(tenantId, 10)).map((r) => [r.id, r]));
      expect(byId.get(dead)).toMatchObject({
        status: "failed",
        reason: "its isolate died",
        finishedAt: expect.any(Number),
      });
      expect(byId.get(atCutOff)).toMatchObject({ status: "running", finishedAt: null });
      expect(byId.get(done)).toMatchObject({ status: "promoted", reason: "better" });
      expect(await runs.listRuns(other, 10)).toMatchObject([{ id: elsewhere, status: "running" }]);
      expect(await runs.closeAbandoned(tenantId, 500, "again")).toBe(0);
    });

    it("dates the last training by the latest run that promoted or rejected, else 0", async () => {
      const { runs, addTenant } = await make();
      const tenantId = await addTenant();
      expect(await runs.lastTrainedAt(tenantId)).toBe(0);
      await runs.record(tenantId, freshId("run"), "cron", 100, outcome("rejected"));
      await runs.record(tenantId, freshId("run"), "cron", 300, promoted);
      await runs.record(tenantId, freshId("run"), "cron", 200, outcome("rejected"));
      for (const status of ["skipped", "failed"] as const)
        await runs.record(tenantId, freshId("run"), "cron", 900, outcome(status));
      await runs.start(tenantId, freshId("run"), "cron", 950);
      expect(await runs.lastTrainedAt(tenantId)).toBe(300);
      expect(await runs.lastTrainedAt(await addTenant())).toBe(0);
    });

    it("counts a tenant's labels received strictly after a time", async () => {
      const { runs, addTenant, addLabels } = await make();
      const [tenantId, other] = [await addTenant(), await addTenant()];
      await addLabels(tenantId, [T + 100, T + 200, T + 300]);
      await addLabels(other, [T + 400, T + 500]);
      expect(await runs.countFeedbackSince(tenantId, 0)).toBe(3);
      expect(await runs.countFeedbackSince(tenantId, T + 100)).toBe(2);
      expect(await runs.countFeedbackSince(tenantId, T + 300)).toBe(0);
      expect(await runs.countFeedbackSince(other, 0)).toBe(2);
    });

    it("finds tenants with enough labels since their last training, earliest waiting first", async () => {
      const { runs, addTenant, addLabels } = await make();
      // Earlier than every other label in the shared D1, so the limit can be checked exactly.
      const t = T - 1000;
      const [plain, waitingLongest, tooFew, trainedSince, onlySkipped] = [
        await addTenant(),
        await addTenant(),
        await addTenant(),
        await addTenant(),
        await addTenant(),
      ];
      await addLabels(plain, [t + 10, t + 20, t + 30]);
      await runs.record(waitingLongest, freshId("run"), "cron", t + 1, promoted);
      await addLabels(waitingLongest, [t + 50, t + 5, t + 40]);
      await addLabels(tooFew, [t + 1, t + 2]);
      await addLabels(trainedSince, [t + 2, t + 3, t + 30]);
      await runs.record(trainedSince, freshId("run"), "cron", t + 25, outcome("rejected"));
      await addLabels(onlySkipped, [t + 15, t + 60, t + 70]);
      await runs.record(onlySkipped, freshId("run"), "cron", t + 65, outcome("skipped"));

      const mine = new Set([plain, waitingLongest, tooFew, trainedSince, onlySkipped]);
      const due = (await runs.tenantsDueForRetraining(3, 10_000)).filter((id) => mine.has(id));
      expect(due).toEqual([waitingLongest, plain, onlySkipped]);
      expect(await runs.tenantsDueForRetraining(3, 2)).toEqual([waitingLongest, plain]);
      expect((await runs.tenantsDueForRetraining(2, 10_000)).filter((id) => mine.has(id))).toContain(tooFew);
    });
  },
);
