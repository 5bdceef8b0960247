// The lease contract: one holder at a time, until the lease runs out; only the holder releases.
import { expect, it } from "vitest";
import { createLockStore } from "../../../workers/adapters/lock-store.ts";
import { createMemoryLockStore } from "../../../workers/adapters/memory/lock-store.ts";
import { describeContract, freshId, testDatabase } from "./contract.ts";

const T = 1_700_000_000_000;
const TTL = 60_000;

describeContract(
  "LockStore",
  "d1",
  () => createLockStore(testDatabase()),
  () => createMemoryLockStore(),
  (make) => {
    it("grants a free lease", async () => {
      const locks = await make();
      expect(await locks.acquire(freshId("lease"), "a", TTL, T)).toBe(true);
    });

    it("refuses another holder while the lease runs, up to and including its last millisecond", async () => {
      const locks = await make();
      const name = freshId("lease");
      await locks.acquire(name, "a", TTL, T);
      expect(await locks.acquire(name, "b", TTL, T + 1)).toBe(false);
      expect(await locks.acquire(name, "b", TTL, T + TTL)).toBe(false);
    });

    it("is not re-entrant: its own holder cannot take a running lease again", async () => {
      const locks = await make();
      const name = freshId("lease");
      await locks.acquire(name, "a", TTL, T);
      expect(await locks.acquire(name, "a", TTL, T + 1)).toBe(false);
    });

    it("renews a lease only for its holder, even run out, until another holder takes it", async () => {
      const locks = await make();
      const name = freshId("lease");
      expect(await locks.renew(name, "a", TTL, T)).toBe(false);
      await locks.acquire(name, "a", TTL, T);
      expect(await locks.renew(name, "b", TTL, T + 1)).toBe(false);
      expect(await locks.renew(name, "a", TTL, T + TTL + 5)).toBe(true);
      // Renewed from T + TTL + 5, so it still runs at T + 2·TTL.
      expect(await locks.acquire(name, "b", TTL, T + 2 * TTL)).toBe(false);
      expect(await locks.acquire(name, "b", TTL, T + 2 * TTL + 6)).toBe(true);
      expect(await locks.renew(name, "a", TTL, T + 2 * TTL + 7)).toBe(false);
      await locks.release(name, "b");
      expect(await locks.renew(name, "b", TTL, T + 2 * TTL + 8)).toBe(false);
    });

    it("names the holder of a running lease, up to its last millisecond, and no one after", async () => {
      const locks = await make();
      const name = freshId("lease");
      expect(await locks.holder(name, T)).toBeNull();
      await locks.acquire(name, "a", TTL, T);
      expect(await locks.holder(name, T + TTL)).toBe("a");
      expect(await locks.holder(name, T + TTL + 1)).toBeNull();
      await locks.release(name, "a");
      expect(await locks.holder(name, T)).toBeNull();
    });

    it("hands an expired lease to the next caller, for a fresh term", async () => {
      const locks = await make();
      const name = freshId("lease");
      await locks.acquire(name, "a", TTL, T);
      expect(await locks.acquire(name, "b", TTL, T + TTL + 1)).toBe(true);
      expect(await locks.acquire(name, "a", TTL, T + TTL + 2)).toBe(false);
      expect(await locks.acquire(name, "a", TTL, T + 2 * TTL + 2)).toBe(true);
    });

    it("frees the lease when its holder releases it", async () => {
      const locks = await make();
      const name = freshId("lease");
      await locks.acquire(name, "a", TTL, T);
      await locks.release(name, "a");
      expect(await locks.acquire(name, "b", TTL, T + 1)).toBe(true);
    });

    it("ignores a release by anyone but the holder, including a holder whose lease was taken over", async () => {
      const locks = await make();
      const name = freshId("lease");
      await locks.acquire(name, "a", TTL, T);
      await locks.release(name, "b");
      expect(await locks.acquire(name, "b", TTL, T + 1)).toBe(false);
      await locks.acquire(name, "b", TTL, T + TTL + 1);
      await locks.release(name, "a");
      expect(await locks.acquire(name, "c", TTL, T + TTL + 2)).toBe(false);
    });

    it("keeps leases of different names apart, and releasing an unknown name is harmless", async () => {
      const locks = await make();
      const [one, two] = [freshId("lease"), freshId("lease")];
      await locks.release(freshId("lease"), "a");
      expect(await locks.acquire(one, "a", TTL, T)).toBe(true);
      expect(await locks.acquire(two, "b", TTL, T)).toBe(true);
    });
  },
);
