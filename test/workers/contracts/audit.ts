// Reading audit entries back, for contracts of stores that write them: the real log is read
// from D1, the twin's from its `entries`. An actor unique to the test picks out its entries.
import { asc, eq } from "drizzle-orm";
import { auditLog } from "../../../workers/db/schema.ts";
import type { AuditRow, MemoryAuditLog } from "../../../workers/adapters/memory/audit-log.ts";
import { testDatabase } from "./contract.ts";

export type ReadAudit = (actor: string) => Promise<Omit<AuditRow, "id">[]>;

const withoutId = ({ id: _, ...row }: AuditRow) => row;

export const readD1Audit: ReadAudit = async (actor) =>
  (await testDatabase().select().from(auditLog).where(eq(auditLog.actor, actor)).orderBy(asc(auditLog.id))).map(
    withoutId,
  );

export const readMemoryAudit =
  (log: MemoryAuditLog): ReadAudit =>
  async (actor) =>
    log
      .entries()
      .filter((row) => row.actor === actor)
      .map(withoutId);
