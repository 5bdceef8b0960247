// The result-cache contract: a finished result reads back as it was put (through the result
// schema), with its tenant; a deleted or never-written one is absent; entries expire after the
// configured TTL, never under KV's 60 s floor.
import { env } from "cloudflare:workers";
import { expect, it } from "vitest";
import type { BatchResult } from "../../../workers/contract/api.ts";
import { createResultCache, type ResultCache } from "../../../workers/adapters/result-cache.ts";
import { createMemoryResultCache } from "../../../workers/adapters/memory/result-cache.ts";
import { describeContract, freshId } from "./contract.ts";

/** A cache with the given TTL, and when it says an entry expires (seconds since the epoch). */
type Fixture = (ttlSeconds: number) => { cache: ResultCache; expiration(batchId: string): Promise<number | null> };

const WEEK = 7 * 24 * 3600;

function finished(batchId: string): BatchResult {
  return {
    batchId,
    status: "complete",
    rows: 2,
    done: 2,
    createdAt: "2026-01-02T03:04:05.000Z",
    completedAt: "2026-01-02T03:04:06.000Z",
    error: null,
    callback: { status: "delivered", attempts: 1, lastError: null },
    predictions: [
      { row: 0, id: "a", label: 1, className: "forged", margin: 0.75, probability: 0.8, modelVersion: "v3" },
      {
        row: 1,
        predictionId: `${batchId}.1`,
        label: 0,
        className: "genuine",
        margin: -1.5,
        probability: null,
        modelVersion: "v3",
        contributions: { x: -1.5 },
      },
    ],
  };
}

const batchId = () => `bat_${freshId("c").replace("-", "")}`;

describeContract<Fixture>(
  "ResultCache",
  "kv",
  () => (ttl) => ({
    cache: createResultCache(env.KV, ttl),
    async expiration(id) {
      const { keys } = await env.KV.list({ prefix: `result:${id}` });
      return keys.find((k) => k.name === `result:${id}`)?.expiration ?? null;
    },
  }),
  () => (ttl) => {
    const cache = createMemoryResultCache(ttl);
    return { cache, expiration: async (id) => cache.expiration(id) };
  },
  (make) => {
    it("reads a result back with its tenant, as it was put", async () => {
      const { cache } = (await make())(WEEK);
      const [id, tenantId] = [batchId(), freshId("t")];
      await cache.putResult({ tenantId, result: finished(id) });
      expect(await cache.getResult(id)).toEqual({ tenantId, result: finished(id) });
    });

    it("serves the stored text with its owner, and says when its callback is still pending", async () => {
      const { cache } = (await make())(WEEK);
      const [settled, waiting, tenantId] = [batchId(), batchId(), freshId("t")];
      await cache.putResult({ tenantId, result: finished(settled) });
      const pending = { ...finished(waiting), callback: { status: "pending" as const, attempts: 0, lastError: null } };
      await cache.putResult({ tenantId, result: pending });
      const text = await cache.getResultText(settled);
      expect(text).toMatchObject({ tenantId, callbackPending: false });
      expect(JSON.parse(text?.text ?? "null")).toEqual(finished(settled));
      expect(await cache.getResultText(waiting)).toMatchObject({ tenantId, callbackPending: true });
      expect(await cache.getResultText(batchId())).toBeNull();
    });

    it("answers null for a batch never written", async () => {
      const { cache } = (await make())(WEEK);
      expect(await cache.getResult(batchId())).toBeNull();
    });

    it("replaces an entry put again (a settled callback), and forgets a deleted one", async () => {
      const { cache } = (await make())(WEEK);
      const [id, tenantId] = [batchId(), freshId("t")];
      await cache.putResult({ tenantId, result: finished(id) });
      const failed = { ...finished(id), callback: { status: "failed" as const, attempts: 5, lastError: "HTTP 500" } };
      await cache.putResult({ tenantId, result: failed });
      expect((await cache.getResult(id))?.result.callback).toEqual(failed.callback);
      await cache.deleteResult(id);
      expect(await cache.getResult(id)).toBeNull();
      await cache.deleteResult(id);
    });

    it("gives back only what the result schema knows, and refuses an entry that no longer fits it", async () => {
      const { cache } = (await make())(WEEK);
      const [kept, broken, tenantId] = [batchId(), batchId(), freshId("t")];
      await cache.putResult({ tenantId, result: { ...finished(kept), legacy: true } as BatchResult });
      expect(await cache.getResult(kept)).toEqual({ tenantId, result: finished(kept) });
      const stale = { ...finished(broken), predictions: [{ row: 0, label: 2, margin: 0, modelVersion: "v1" }] };
      await cache.putResult({ tenantId, result: stale as unknown as BatchResult });
      expect(await cache.getResult(broken)).toBeNull();
    });

    it.each([
      ["the configured TTL", WEEK, WEEK],
      ["whole seconds of a fractional TTL", 3600.9, 3600],
      ["KV's 60 s floor for a shorter TTL", 30, 60],
      ["60 s for a TTL of 0", 0, 60],
      ["60 s for a TTL that is not a number", Number.NaN, 60],
    ])("expires an entry after %s (%s s → %s s)", async (_, ttl, expected) => {
      const { cache, expiration } = (await make())(ttl);
      const id = batchId();
      const before = Math.floor(Date.now() / 1000);
      await cache.putResult({ tenantId: freshId("t"), result: finished(id) });
      const at = (await expiration(id)) ?? Number.NaN;
      // KV counts whole seconds from the second the entry was put.
      expect(Number.isInteger(at)).toBe(true);
      expect(at - expected).toBeGreaterThanOrEqual(before);
      expect(at - expected).toBeLessThanOrEqual(Math.ceil(Date.now() / 1000));
    });
  },
);
