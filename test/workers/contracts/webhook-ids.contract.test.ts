// The webhook-id contract: an id is processed once per tenant, a released id can be claimed
// again, and pruning forgets exactly the ids received before the cut-off.
import { afterEach, expect, it, vi } from "vitest";
import { createWebhookIds } from "../../../workers/adapters/webhook-ids.ts";
import { createMemoryWebhookIds } from "../../../workers/adapters/memory/webhook-ids.ts";
import { describeContract, freshId, testDatabase } from "./contract.ts";

afterEach(() => {
  vi.useRealTimers();
});

describeContract(
  "WebhookIds",
  "d1",
  () => createWebhookIds(testDatabase()),
  () => createMemoryWebhookIds(),
  (make) => {
    it("claims a new id once: the second delivery is a replay", async () => {
      const ids = await make();
      const [tenant, id] = [freshId("t"), freshId("msg")];
      expect(await ids.claim(tenant, id)).toBe(true);
      expect(await ids.claim(tenant, id)).toBe(false);
    });

    it("keeps tenants apart: the same id from another tenant is new", async () => {
      const ids = await make();
      const id = freshId("msg");
      expect(await ids.claim(freshId("t"), id)).toBe(true);
      expect(await ids.claim(freshId("t"), id)).toBe(true);
    });

    it("lets a released id be claimed again, and only for the tenant that released it", async () => {
      const ids = await make();
      const [a, b, id] = [freshId("t"), freshId("t"), freshId("msg")];
      await ids.claim(a, id);
      await ids.claim(b, id);
      await ids.release(a, id);
      expect(await ids.claim(a, id)).toBe(true);
      expect(await ids.claim(b, id)).toBe(false);
    });

    it("releases an id never claimed without harm", async () => {
      const ids = await make();
      const [tenant, id] = [freshId("t"), freshId("msg")];
      await ids.release(tenant, id);
      expect(await ids.claim(tenant, id)).toBe(true);
    });

    it("prunes the ids received before the cut-off, counts them, and keeps the rest", async () => {
      const ids = await make();
      const tenant = freshId("t");
      // Long ago, so no other test's ids are older than the cut-off; and mirrored about 2000, so
      // each run is earlier than every run before it and never counts ids a previous run left.
      const t0 = 2 * Date.UTC(2000, 0, 1) - Date.now();
      vi.useFakeTimers({ toFake: ["Date"] });
      vi.setSystemTime(t0);
      await ids.claim(tenant, "old-1");
      await ids.claim(tenant, "old-2");
      vi.setSystemTime(t0 + 1000);
      await ids.claim(tenant, "at-cut-off");
      vi.setSystemTime(t0 + 2000);
      await ids.claim(tenant, "new");
      vi.useRealTimers();

      expect(await ids.prune(t0 + 1000)).toBe(2);
      expect(await ids.claim(tenant, "old-1")).toBe(true);
      expect(await ids.claim(tenant, "old-2")).toBe(true);
      expect(await ids.claim(tenant, "at-cut-off")).toBe(false);
      expect(await ids.claim(tenant, "new")).toBe(false);
    });
  },
);
