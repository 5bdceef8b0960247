// The audit log in D1: who did what to which subject, when. Entries that must be written with
// the change they record (a model activation) are written by that change's adapter instead.
import { auditLog } from "../db/schema.ts";
import type { Database } from "./database.ts";

export interface AuditRecord {
  tenantId: string | null;
  actor: string;
  action: string;
  subject: string | null;
  detail?: unknown;
}

export interface AuditLog {
  record(entry: AuditRecord): Promise<void>;
}

/** Details are kept to 4,000 characters: an audit entry is a pointer, not a copy. */
const MAX_DETAIL = 4000;

export function createAuditLog(db: Database): AuditLog {
  return {
    async record(entry) {
      await db.insert(auditLog).values({
        tenantId: entry.tenantId,
        actor: entry.actor,
        action: entry.action,
        subject: entry.subject,
        detail: entry.detail === undefined ? null : JSON.stringify(entry.detail).slice(0, MAX_DETAIL),
        at: Date.now(),
      });
    },
  };
}
