// Named leases in D1: acquiring is one conditional upsert, so two racing callers cannot both
// win; a lease expires, so a crashed holder cannot block forever.
import { and, eq, gte, sql } from "drizzle-orm";
import { locks } from "../db/schema.ts";
import type { Database } from "./database.ts";

export interface LockStore {
  acquire(name: string, holder: string, ttlMs: number, now?: number): Promise<boolean>;
  /**
   * Extends a lease its holder still has (running, or run out and not yet taken by anyone) to
   * `now + ttlMs`; false when another holder has it or it was released. A long run renews at
   * each step, and a step retried after a crash takes back its own lease this way.
   */
  renew(name: string, holder: string, ttlMs: number, now?: number): Promise<boolean>;
  release(name: string, holder: string): Promise<void>;
  /** Who holds the lease now (null when it is free or has run out). */
  holder(name: string, now?: number): Promise<string | null>;
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
    async renew(name, holder, ttlMs, now = Date.now()) {
      const rows = await db
        .update(locks)
        .set({ expiresAt: now + ttlMs })
        .where(and(eq(locks.name, name), eq(locks.holder, holder)))
        .returning({ holder: locks.holder });
      return rows.length === 1;
    },
    async holder(name, now = Date.now()) {
      const rows = await db
        .select({ holder: locks.holder })
        .from(locks)
        .where(and(eq(locks.name, name), gte(locks.expiresAt, now)))
        .limit(1);
      return rows[0]?.holder ?? null;
    },
    async release(name, holder) {
      await db.delete(locks).where(and(eq(locks.name, name), eq(locks.holder, holder)));
    },
  };
}
