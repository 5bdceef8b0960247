// The in-memory twin of audit-log.ts. The real log is only ever written, so the twin also
// lets a test read what was written (`entries`), and lets other twins append the entries the
// real adapters write with their own change (a model activation) through `append`.
import type { auditLog } from "../../db/schema.ts";
import type { AuditLog } from "../audit-log.ts";

export type AuditRow = typeof auditLog.$inferSelect;

export interface MemoryAuditLog extends AuditLog {
  /** Every entry, oldest first (copies). */
  entries(): AuditRow[];
  /** Stores an entry as given, as an adapter does that writes its audit row itself. */
  append(row: Omit<AuditRow, "id">): void;
}

/** As in the real log: an audit entry is a pointer, not a copy. */
const MAX_DETAIL = 4000;

export function createMemoryAuditLog(): MemoryAuditLog {
  const rows: AuditRow[] = [];
  const append = (row: Omit<AuditRow, "id">) => {
    rows.push({ id: rows.length + 1, ...row });
  };
  return {
    async record(entry) {
      append({
        tenantId: entry.tenantId,
        actor: entry.actor,
        action: entry.action,
        subject: entry.subject,
        detail: entry.detail === undefined ? null : JSON.stringify(entry.detail).slice(0, MAX_DETAIL),
        at: Date.now(),
      });
    },
    entries: () => rows.map((row) => ({ ...row })),
    append,
  };
}
