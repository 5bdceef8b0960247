// The in-memory twin of model-registry.ts. Rows, artifacts and the per-version copies are kept
// apart as in D1, R2 and KV: a name is claimed before anything is stored, a stored artifact is
// never overwritten, each tenant has at most one champion, and activation writes its audit
// entry with the change (into the memory audit log it is given).
import { artifactKey, type AuditEntry, type ModelRecord, type ModelRegistry } from "../model-registry.ts";
import { createMemoryAuditLog, type MemoryAuditLog } from "./audit-log.ts";

export function createMemoryModelRegistry(audit: MemoryAuditLog = createMemoryAuditLog()): ModelRegistry {
  const rows = new Map<string, ModelRecord>();
  /** R2: artifact text by object key. */
  const objects = new Map<string, string>();
  /** KV: copies by tenant and version. */
  const copies = new Map<string, string>();
  const id = (tenantId: string, version: string) => JSON.stringify([tenantId, version]);

  const own = (tenantId: string) => [...rows.values()].filter((r) => r.tenantId === tenantId);
  const findModel = (tenantId: string, version: string) => {
    const row = rows.get(id(tenantId, version));
    return row ? { ...row } : null;
  };
  const findChampion = (tenantId: string) => {
    const row = own(tenantId).find((r) => r.status === "champion");
    return row ? { ...row } : null;
  };

  function write(tenantId: string, subject: string, entry: AuditEntry, detail: string | null) {
    audit.append({ tenantId, actor: entry.actor, action: entry.action, subject, detail, at: Date.now() });
  }

  async function activate(tenantId: string, version: string, entry?: AuditEntry) {
    const target = rows.get(id(tenantId, version));
    if (!target) return null;
    const previous = findChampion(tenantId);
    for (const row of own(tenantId)) if (row.status === "champion" && row.version !== version) row.status = "retired";
    Object.assign(target, { status: "champion", activatedAt: Date.now() });
    if (entry) {
      const detail = JSON.stringify({ previous: previous?.version ?? null, ...(entry.detail ?? {}) });
      write(tenantId, version, entry, detail);
    }
    return { ...target };
  }

  return {
    findChampion: async (tenantId) => findChampion(tenantId),
    findModel: async (tenantId, version) => findModel(tenantId, version),
    findByRun: async (tenantId, runId) =>
      [...rows.values()].find((r) => r.tenantId === tenantId && r.runId === runId) ?? null,

    async listModels(tenantId, limit) {
      const newestFirst = own(tenantId).sort(
        (a, b) => b.createdAt - a.createdAt || (a.version < b.version ? 1 : a.version > b.version ? -1 : 0),
      );
      return (limit < 0 ? newestFirst : newestFirst.slice(0, limit)).map((r) => ({ ...r }));
    },

    async highestNumberedVersion(tenantId) {
      // As SQLite's CAST(substr(version, 2) AS INTEGER): the leading digits after "v".
      const numbers = own(tenantId)
        .filter((r) => /^v[0-9]/.test(r.version))
        .map((r) => Number.parseInt(r.version.slice(1), 10));
      return Math.max(0, ...numbers);
    },

    async readArtifact(record) {
      const copy = copies.get(id(record.tenantId, record.version));
      if (copy !== undefined) return copy;
      return objects.get(record.artifactKey) ?? null;
    },

    async saveModel(record, artifactText, entry) {
      const key = artifactKey(record.tenantId, record.version);
      if (rows.has(id(record.tenantId, record.version))) return null;
      const runId = record.runId ?? null;
      if (runId !== null && [...rows.values()].some((r) => r.tenantId === record.tenantId && r.runId === runId)) {
        return null;
      }
      // Nothing here can fail between the claim and the stores, so no claim is ever withdrawn and
      // no object can be found without its row: the name check above is the whole claim.
      objects.set(key, artifactText);
      rows.set(id(record.tenantId, record.version), {
        ...record,
        status: record.status === "champion" ? "candidate" : record.status,
        parentVersion: record.parentVersion ?? null,
        gate: record.gate ?? null,
        classNames: record.classNames ?? null,
        artifactKey: key,
        runId,
        holdout: null,
        activatedAt: null,
      });
      copies.set(id(record.tenantId, record.version), artifactText);
      if (record.status === "champion") return activate(record.tenantId, record.version, entry);
      if (entry) {
        write(record.tenantId, record.version, entry, entry.detail === undefined ? null : JSON.stringify(entry.detail));
      }
      return findModel(record.tenantId, record.version);
    },

    activate,

    async recordHoldout(tenantId, measures) {
      // Stored as the JSON text json_extract gives back: the measure without its version.
      for (const { version, ...measure } of measures) {
        const row = rows.get(id(tenantId, version));
        if (row) row.holdout = JSON.stringify(measure);
      }
    },

    async recordClassNames(tenantId, names) {
      for (const { version, classNames } of names) {
        const row = rows.get(id(tenantId, version));
        if (row && row.classNames === null) row.classNames = classNames;
      }
    },
  };
}
