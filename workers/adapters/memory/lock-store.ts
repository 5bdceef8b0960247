// The in-memory twin of lock-store.ts: the same leases without D1, for services tested in Node.
// Like the conditional upsert, acquiring succeeds only when the name is free or its lease has
// run out (strictly before `now`), so a lease is not re-entrant: its own holder is refused too.
import type { LockStore } from "../lock-store.ts";

export function createMemoryLockStore(): LockStore {
  const leases = new Map<string, { holder: string; expiresAt: number }>();
  return {
    async acquire(name, holder, ttlMs, now = Date.now()) {
      const lease = leases.get(name);
      if (lease && lease.expiresAt >= now) return false;
      leases.set(name, { holder, expiresAt: now + ttlMs });
      return true;
    },
    async renew(name, holder, ttlMs, now = Date.now()) {
      const lease = leases.get(name);
      if (lease?.holder !== holder) return false;
      lease.expiresAt = now + ttlMs;
      return true;
    },
    async holder(name, now = Date.now()) {
      const lease = leases.get(name);
      return lease && lease.expiresAt >= now ? lease.holder : null;
    },
    async release(name, holder) {
      if (leases.get(name)?.holder === holder) leases.delete(name);
    },
  };
}
