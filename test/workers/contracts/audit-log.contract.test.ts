// The audit contract: an entry keeps who, what, which subject and tenant, when, and its detail
// as JSON (null when there is none, cut to 4,000 characters).
import { expect, it } from "vitest";
import { createAuditLog, type AuditLog } from "../../../workers/adapters/audit-log.ts";
import { createMemoryAuditLog } from "../../../workers/adapters/memory/audit-log.ts";
import { readD1Audit, readMemoryAudit, type ReadAudit } from "./audit.ts";
import { describeContract, freshId, testDatabase } from "./contract.ts";

interface Fixture {
  audit: AuditLog;
  written: ReadAudit;
}

describeContract<Fixture>(
  "AuditLog",
  "d1",
  () => ({ audit: createAuditLog(testDatabase()), written: readD1Audit }),
  () => {
    const audit = createMemoryAuditLog();
    return { audit, written: readMemoryAudit(audit) };
  },
  (make) => {
    it("records who did what to which subject, for which tenant, and when", async () => {
      const { audit, written } = await make();
      const [actor, tenantId] = [freshId("key"), freshId("t")];
      const before = Date.now();
      await audit.record({ tenantId, actor, action: "batch.delete", subject: "bat_1", detail: { rows: 3 } });
      const [entry, ...rest] = await written(actor);
      expect(rest).toEqual([]);
      expect(entry).toMatchObject({ tenantId, actor, action: "batch.delete", subject: "bat_1" });
      expect(JSON.parse(entry.detail ?? "null")).toEqual({ rows: 3 });
      expect(entry.at).toBeGreaterThanOrEqual(before);
      expect(entry.at).toBeLessThanOrEqual(Date.now());
    });

    it("keeps entries in the order they were recorded", async () => {
      const { audit, written } = await make();
      const actor = freshId("key");
      for (const action of ["first", "second", "third"])
        await audit.record({ tenantId: null, actor, action, subject: null });
      expect((await written(actor)).map((e) => e.action)).toEqual(["first", "second", "third"]);
    });

    it("stores no detail as null, and a tenant-less, subject-less entry as nulls", async () => {
      const { audit, written } = await make();
      const actor = freshId("cli");
      await audit.record({ tenantId: null, actor, action: "keys.list", subject: null });
      expect(await written(actor)).toMatchObject([{ tenantId: null, subject: null, detail: null }]);
    });

    it("stores a falsy detail as JSON rather than dropping it", async () => {
      const { audit, written } = await make();
      const actor = freshId("cli");
      await audit.record({ tenantId: null, actor, action: "a", subject: null, detail: 0 });
      await audit.record({ tenantId: null, actor, action: "b", subject: null, detail: null });
      expect((await written(actor)).map((e) => e.detail)).toEqual(["0", "null"]);
    });

    it("cuts a long detail to its first 4,000 characters of JSON", async () => {
      const { audit, written } = await make();
      const actor = freshId("key");
      const detail = { reason: "x".repeat(5000) };
      await audit.record({ tenantId: null, actor, action: "a", subject: null, detail });
      expect((await written(actor))[0].detail).toBe(JSON.stringify(detail).slice(0, 4000));
    });
  },
);
