// The registry contract: a version name is claimed once per tenant and its artifact never
// replaced; a tenant has at most one champion, moved by activation with its audit entry; lists
// are newest first; holdout figures and class names land on the versions they are for.
import { env } from "cloudflare:workers";
import { expect, it } from "vitest";
import { createMemoryAuditLog } from "../../../workers/adapters/memory/audit-log.ts";
import { createMemoryModelRegistry } from "../../../workers/adapters/memory/model-registry.ts";
import {
  artifactKey,
  createModelRegistry,
  type ModelRegistry,
  type NewModelRecord,
} from "../../../workers/adapters/model-registry.ts";
import { readD1Audit, readMemoryAudit, type ReadAudit } from "./audit.ts";
import { describeContract, freshId, testDatabase } from "./contract.ts";

interface Fixture {
  models: ModelRegistry;
  /** The audit entries the registry wrote with its changes, by actor. */
  written: ReadAudit;
}

const checksum = (n: number) => `sha256:${n.toString(16).padStart(64, "0")}`;

function record(tenantId: string, version: string, extra: Partial<NewModelRecord> = {}): NewModelRecord {
  return {
    tenantId,
    version,
    status: "candidate",
    checksum: checksum(version.length),
    featureNames: '["x1","x2"]',
    trainingRows: 10,
    fingerprint: "fp",
    metrics: '{"accuracy":0.9}',
    source: "retrain",
    createdAt: 1000,
    ...extra,
  };
}

const artifactOf = (version: string) => JSON.stringify({ format: "edge-svm", version });

describeContract<Fixture>(
  "ModelRegistry",
  "d1+kv+r2",
  () => ({ models: createModelRegistry(testDatabase(), env.KV, env.BUCKET), written: readD1Audit }),
  () => {
    const audit = createMemoryAuditLog();
    return { models: createMemoryModelRegistry(audit), written: readMemoryAudit(audit) };
  },
  (make) => {
    it("claims a new version as given (never yet active), and stores its artifact", async () => {
      const { models } = await make();
      const tenantId = freshId("ten");
      const input = record(tenantId, "v1", { parentVersion: "seed-1", classNames: '["ham","spam"]' });
      const saved = await models.saveModel(input, artifactOf("v1"));
      expect(saved).toEqual({
        ...input,
        artifactKey: artifactKey(tenantId, "v1"),
        gate: null,
        holdout: null,
        activatedAt: null,
        runId: null,
      });
      expect(await models.findModel(tenantId, "v1")).toEqual(saved);
      expect(saved && (await models.readArtifact(saved))).toBe(artifactOf("v1"));
      expect(await models.findChampion(tenantId)).toBeNull();
    });

    it("registers at most one version per training run, findable by the run", async () => {
      const { models } = await make();
      const [tenantId, other, runId] = [freshId("ten"), freshId("ten"), freshId("run")];
      const first = await models.saveModel(record(tenantId, "v1", { runId }), artifactOf("v1"));
      expect(first?.runId).toBe(runId);
      // A retried register step asks for the next name: refused, the first stays the run's.
      expect(await models.saveModel(record(tenantId, "v2", { runId }), artifactOf("v2"))).toBeNull();
      expect(await models.findModel(tenantId, "v2")).toBeNull();
      expect(await models.findByRun(tenantId, runId)).toEqual(first);
      // Run ids are the tenant's own; versions without a run never collide.
      expect(await models.findByRun(other, runId)).toBeNull();
      expect(await models.saveModel(record(other, "v1", { runId }), artifactOf("v1"))).not.toBeNull();
      expect(await models.saveModel(record(tenantId, "v3"), artifactOf("v3"))).not.toBeNull();
      expect(await models.saveModel(record(tenantId, "v4"), artifactOf("v4"))).not.toBeNull();
    });

    it("refuses a version name already taken, keeping the first row and artifact and auditing nothing", async () => {
      const { models, written } = await make();
      const [tenantId, actor] = [freshId("ten"), freshId("key")];
      const first = await models.saveModel(record(tenantId, "v1"), artifactOf("v1"));
      const again = record(tenantId, "v1", { status: "champion", checksum: checksum(99), createdAt: 2000 });
      expect(await models.saveModel(again, "other text", { actor, action: "model.publish" })).toBeNull();
      expect(await models.findModel(tenantId, "v1")).toEqual(first);
      expect(await models.readArtifact(artifactKeyed(tenantId, "v1"))).toBe(artifactOf("v1"));
      expect(await models.findChampion(tenantId)).toBeNull();
      expect(await written(actor)).toEqual([]);
    });

    it("makes a saved champion the only one, retiring the last, and audits each with the version it replaced", async () => {
      const { models, written } = await make();
      const [tenantId, actor] = [freshId("ten"), freshId("key")];
      const before = Date.now();
      await models.saveModel(record(tenantId, "seed-1", { status: "champion" }), artifactOf("seed-1"), {
        actor,
        action: "model.seed",
      });
      const v1 = await models.saveModel(record(tenantId, "v1", { status: "champion" }), artifactOf("v1"), {
        actor,
        action: "model.promote",
        detail: { accuracy: 0.95 },
      });
      expect(v1).toMatchObject({ version: "v1", status: "champion", activatedAt: expect.any(Number) });
      expect(v1?.activatedAt).toBeGreaterThanOrEqual(before);
      expect(await models.findChampion(tenantId)).toEqual(v1);
      expect((await models.findModel(tenantId, "seed-1"))?.status).toBe("retired");
      expect(await written(actor)).toEqual([
        {
          tenantId,
          actor,
          action: "model.seed",
          subject: "seed-1",
          detail: '{"previous":null}',
          at: expect.any(Number),
        },
        {
          tenantId,
          actor,
          action: "model.promote",
          subject: "v1",
          detail: '{"previous":"seed-1","accuracy":0.95}',
          at: expect.any(Number),
        },
      ]);
    });

    it("audits a version saved without activation, its detail as JSON or null", async () => {
      const { models, written } = await make();
      const [tenantId, actor] = [freshId("ten"), freshId("key")];
      await models.saveModel(record(tenantId, "v1", { status: "rejected" }), artifactOf("v1"), {
        actor,
        action: "model.reject",
        detail: { drop: 0.1 },
      });
      await models.saveModel(record(tenantId, "v2"), artifactOf("v2"), { actor, action: "model.upload" });
      expect(await written(actor)).toMatchObject([
        { tenantId, subject: "v1", action: "model.reject", detail: '{"drop":0.1}' },
        { tenantId, subject: "v2", action: "model.upload", detail: null },
      ]);
      expect((await models.findModel(tenantId, "v1"))?.status).toBe("rejected");
    });

    it("moves the champion to any stored version (a rollback), keeping one champion at a time", async () => {
      const { models, written } = await make();
      const [tenantId, actor] = [freshId("ten"), freshId("key")];
      for (const v of ["v1", "v2"]) await models.saveModel(record(tenantId, v, { status: "champion" }), artifactOf(v));
      const rolledBack = await models.activate(tenantId, "v1", { actor, action: "model.rollback" });
      expect(rolledBack).toMatchObject({ version: "v1", status: "champion" });
      expect((await models.findChampion(tenantId))?.version).toBe("v1");
      const statuses = (await models.listModels(tenantId, 10)).map((m) => [m.version, m.status]);
      expect(statuses.sort()).toEqual([
        ["v1", "champion"],
        ["v2", "retired"],
      ]);
      expect(await written(actor)).toMatchObject([{ subject: "v1", detail: '{"previous":"v2"}' }]);
    });

    it("keeps the champion when it is activated again, auditing it as its own predecessor", async () => {
      const { models, written } = await make();
      const [tenantId, actor] = [freshId("ten"), freshId("key")];
      await models.saveModel(record(tenantId, "v1", { status: "champion" }), artifactOf("v1"));
      expect(await models.activate(tenantId, "v1", { actor, action: "model.activate" })).toMatchObject({
        status: "champion",
      });
      expect(await written(actor)).toMatchObject([{ subject: "v1", detail: '{"previous":"v1"}' }]);
    });

    it("answers null for an unknown version or artifact, changing nothing", async () => {
      const { models, written } = await make();
      const [tenantId, actor] = [freshId("ten"), freshId("key")];
      await models.saveModel(record(tenantId, "v1", { status: "champion" }), artifactOf("v1"));
      expect(await models.activate(tenantId, "v9", { actor, action: "model.activate" })).toBeNull();
      expect((await models.findChampion(tenantId))?.version).toBe("v1");
      expect(await models.findModel(tenantId, "v9")).toBeNull();
      expect(await models.readArtifact(artifactKeyed(tenantId, "v9"))).toBeNull();
      expect(await written(actor)).toEqual([]);
    });

    it("keeps tenants apart: the same name twice, a champion each, and no reach into another's versions", async () => {
      const { models } = await make();
      const [a, b] = [freshId("ten"), freshId("ten")];
      await models.saveModel(record(a, "v1", { status: "champion" }), "artifact of a");
      await models.saveModel(record(b, "v1", { status: "champion" }), "artifact of b");
      await models.saveModel(record(b, "v2"), artifactOf("v2"));
      expect(await models.readArtifact(artifactKeyed(a, "v1"))).toBe("artifact of a");
      expect(await models.readArtifact(artifactKeyed(b, "v1"))).toBe("artifact of b");
      expect(await models.activate(a, "v2")).toBeNull();
      expect((await models.findChampion(a))?.version).toBe("v1");
      expect((await models.findChampion(b))?.version).toBe("v1");
      expect((await models.listModels(a, 10)).map((m) => m.version)).toEqual(["v1"]);
      expect(await models.highestNumberedVersion(a)).toBe(1);
    });

    it("lists newest first (ties by version, descending), up to the limit", async () => {
      const { models } = await make();
      const tenantId = freshId("ten");
      for (const [version, createdAt] of [
        ["v1", 100],
        ["a", 200],
        ["v2", 200],
        ["b", 200],
        ["v0", 50],
      ] as const)
        await models.saveModel(record(tenantId, version, { createdAt }), artifactOf(version));
      expect((await models.listModels(tenantId, 10)).map((m) => m.version)).toEqual(["v2", "b", "a", "v1", "v0"]);
      expect((await models.listModels(tenantId, 2)).map((m) => m.version)).toEqual(["v2", "b"]);
    });

    it("numbers versions by the largest N of those named v<N> (its leading digits), 0 when none", async () => {
      const { models } = await make();
      const tenantId = freshId("ten");
      expect(await models.highestNumberedVersion(tenantId)).toBe(0);
      for (const version of ["seed-1", "v2", "v10", "V99", "version-50", "v9.9", "v3e2", "v7b"])
        await models.saveModel(record(tenantId, version), artifactOf(version));
      expect(await models.highestNumberedVersion(tenantId)).toBe(10);
    });

    it("records holdout figures on the versions measured, and only on the tenant's own", async () => {
      const { models } = await make();
      const [tenantId, other] = [freshId("ten"), freshId("ten")];
      for (const v of ["v1", "v2", "v3"]) await models.saveModel(record(tenantId, v), artifactOf(v));
      await models.saveModel(record(other, "v1"), artifactOf("v1"));
      const measure = (version: string, accuracy: number) => ({
        version,
        accuracy,
        rows: 40,
        runId: "run_1",
        measuredAt: 5,
      });
      await models.recordHoldout(tenantId, []);
      await models.recordHoldout(tenantId, [measure("v1", 0.8), measure("v2", 0.875), measure("v9", 1)]);
      await models.recordHoldout(tenantId, [measure("v2", 0.9)]);
      const holdout = async (t: string, v: string) => (await models.findModel(t, v))?.holdout;
      expect(await holdout(tenantId, "v1")).toBe('{"accuracy":0.8,"rows":40,"runId":"run_1","measuredAt":5}');
      expect(await holdout(tenantId, "v2")).toBe('{"accuracy":0.9,"rows":40,"runId":"run_1","measuredAt":5}');
      expect(await holdout(tenantId, "v3")).toBeNull();
      expect(await holdout(other, "v1")).toBeNull();
      expect(await models.findModel(tenantId, "v9")).toBeNull();
    });

    it("stores class names only on the tenant's rows that have none, keeping those given when saved", async () => {
      const { models } = await make();
      const [tenantId, other] = [freshId("ten"), freshId("ten")];
      await models.saveModel(record(tenantId, "v1"), artifactOf("v1"));
      await models.saveModel(record(tenantId, "v2", { classNames: '["ham","spam"]' }), artifactOf("v2"));
      await models.saveModel(record(tenantId, "v3"), artifactOf("v3"));
      await models.saveModel(record(other, "v1"), artifactOf("v1"));
      expect((await models.findModel(tenantId, "v1"))?.classNames).toBeNull();
      await models.recordClassNames(tenantId, []);
      await models.recordClassNames(tenantId, [
        { version: "v1", classNames: '["no","yes"]' },
        { version: "v2", classNames: '["0","1"]' },
        { version: "v9", classNames: '["a","b"]' },
      ]);
      const names = async (t: string, v: string) => (await models.findModel(t, v))?.classNames;
      expect(await names(tenantId, "v1")).toBe('["no","yes"]');
      expect(await names(tenantId, "v2")).toBe('["ham","spam"]');
      expect(await names(tenantId, "v3")).toBeNull();
      expect(await names(other, "v1")).toBeNull();
      expect(await models.findModel(tenantId, "v9")).toBeNull();
    });
  },
);

/** What readArtifact needs of a record, for a version saved under the registry's own key. */
function artifactKeyed(tenantId: string, version: string) {
  return { tenantId, version, artifactKey: artifactKey(tenantId, version) };
}
