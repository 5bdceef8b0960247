// Named leases in D1: acquiring is one conditional upsert, so two racing callers cannot both
// win; a lease expires, so a crashed holder cannot block forever.
import { and, eq, sql } from "drizzle-orm";
import { locks } from "../db/schema.ts";
import type { Database } from "./database.ts";

export interface LockStore {
  acquire(name: string, holder: string, ttlMs: number, now?: number): Promise<boolean>;
  release(name: string, holder: string): Promise<void>;
}

export function createLockStore(db: Database): LockStore {
  return {
    async acquire(name, holder, ttlMs, now = Date.now()) {
      const rows = await db
        .insert(locks)
        .values({ name, holder, expiresAt: now + ttlMs })
        .onConflictDoUpdate({
          target: locks.name,
          set: { holder, expiresAt: now + ttlMs },
          setWhere: sql`${locks.expiresAt} < ${now}`,
        })
        .returning({ holder: locks.holder });
      return rows[0]?.holder === holder;
    },
    async release(name, holder) {
      await db.delete(locks).where(and(eq(locks.name, name), eq(locks.holder, holder)));
    },
  };
}
