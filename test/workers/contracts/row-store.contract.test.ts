// The row-store contract: frames read back exactly as they were put (through the row-frame
// codec), under the documented layout of one prefix per tenant and batch; a malformed frame is
// refused before anything is stored; scores come back in chunk order or not at all; deleting a
// batch removes its objects and no other's; every reader gets a frame of its own.
import { env } from "cloudflare:workers";
import { expect, it } from "vitest";
import { RowFrameError, type RowFrame } from "../../../workers/codecs/row-frame.ts";
import { createRowStore, type RowStore } from "../../../workers/adapters/row-store.ts";
import { createMemoryRowStore } from "../../../workers/adapters/memory/row-store.ts";
import { describeContract, freshId } from "./contract.ts";

interface Fixture {
  rows: RowStore;
  /** Keys of the objects stored under a prefix, in listing order. */
  keys(prefix: string): Promise<string[]>;
}

const input = (ids: string[] | null = ["a", "b", "c"]): RowFrame => ({
  rows: 3,
  offset: 0,
  featureCount: 2,
  features: Float64Array.from([0.5, -1, 2.25, 1e-300, Number.MAX_VALUE, -0]),
  ids,
  margins: null,
  labels: null,
  modelVersion: null,
});

const scores = (offset: number, margins: number[]): RowFrame => ({
  rows: margins.length,
  offset,
  featureCount: 0,
  features: new Float64Array(0),
  ids: null,
  margins: Float64Array.from(margins),
  labels: Uint8Array.from(margins.map((m) => (m > 0 ? 1 : 0))),
  modelVersion: "v7",
});

describeContract<Fixture>(
  "RowStore",
  "r2",
  () => ({
    rows: createRowStore(env.BUCKET),
    keys: async (prefix) => (await env.BUCKET.list({ prefix })).objects.map((o) => o.key),
  }),
  () => {
    const rows = createMemoryRowStore();
    return { rows, keys: async (prefix) => rows.keys(prefix) };
  },
  (make) => {
    it("reads a batch's input back as it was put, and only under its tenant", async () => {
      const { rows } = await make();
      const [tenantId, batchId] = [freshId("ten"), freshId("bat")];
      await rows.putInput(tenantId, batchId, input());
      expect(await rows.getInput(tenantId, batchId)).toEqual(input());
      expect(await rows.getInput(freshId("ten"), batchId)).toBeNull();
      expect(await rows.getInput(tenantId, freshId("bat"))).toBeNull();
      const anonymous = freshId("bat");
      await rows.putInput(tenantId, anonymous, input(null));
      expect(await rows.getInput(tenantId, anonymous)).toEqual(input(null));
    });

    it("gives back a batch's scores in chunk order, or null while any chunk is missing", async () => {
      const { rows } = await make();
      const [tenantId, batchId] = [freshId("ten"), freshId("bat")];
      await rows.putScores(tenantId, batchId, 2, scores(3, [0.5]));
      await rows.putScores(tenantId, batchId, 0, scores(0, [1, -2]));
      expect(await rows.getScores(tenantId, batchId, 3)).toBeNull();
      await rows.putScores(tenantId, batchId, 1, scores(2, [-0.25]));
      expect(await rows.getScores(tenantId, batchId, 3)).toEqual([
        scores(0, [1, -2]),
        scores(2, [-0.25]),
        scores(3, [0.5]),
      ]);
      expect(await rows.getScores(tenantId, batchId, 2)).toEqual([scores(0, [1, -2]), scores(2, [-0.25])]);
      expect(await rows.getScores(tenantId, batchId, 0)).toEqual([]);
      // A redelivered chunk writes its object again.
      await rows.putScores(tenantId, batchId, 1, scores(2, [4]));
      expect((await rows.getScores(tenantId, batchId, 3))?.[1]).toEqual(scores(2, [4]));
    });

    it("keeps a batch under one prefix: its input and one object per scored chunk", async () => {
      const { rows, keys } = await make();
      const [tenantId, batchId] = [freshId("ten"), freshId("bat")];
      await rows.putInput(tenantId, batchId, input());
      await rows.putScores(tenantId, batchId, 1, scores(2, [1]));
      await rows.putScores(tenantId, batchId, 0, scores(0, [1, 2]));
      const prefix = `rows/${tenantId}/${batchId}/`;
      expect(await keys(prefix)).toEqual([`${prefix}input.rows`, `${prefix}scores-0.rows`, `${prefix}scores-1.rows`]);
    });

    it.each<[string, Partial<RowFrame>]>([
      ["features that disagree with rows × featureCount", { features: new Float64Array(5) }],
      ["ids that are not one per row", { ids: ["a"] }],
      ["labels that are not 0 or 1", { margins: new Float64Array(3), labels: Uint8Array.from([0, 2, 1]) }],
    ])("refuses a frame with %s, storing nothing", async (_, broken) => {
      const { rows, keys } = await make();
      const [tenantId, batchId] = [freshId("ten"), freshId("bat")];
      await expect(rows.putInput(tenantId, batchId, { ...input(), ...broken })).rejects.toThrow(RowFrameError);
      await expect(rows.putScores(tenantId, batchId, 0, { ...input(), ...broken })).rejects.toThrow(RowFrameError);
      expect(await rows.getInput(tenantId, batchId)).toBeNull();
      expect(await keys(`rows/${tenantId}/`)).toEqual([]);
    });

    it("deletes every object of a batch and nothing of another batch or tenant", async () => {
      const { rows, keys } = await make();
      const [tenantId, other, batchId] = [freshId("ten"), freshId("ten"), freshId("bat")];
      // A batch whose id starts with the deleted one's, and the same batch id under another tenant.
      for (const [t, b] of [
        [tenantId, batchId],
        [tenantId, `${batchId}0`],
        [other, batchId],
      ]) {
        await rows.putInput(t, b, input());
        await rows.putScores(t, b, 0, scores(0, [1, 1, 1]));
      }
      await rows.deleteBatch(tenantId, batchId);
      expect(await rows.getInput(tenantId, batchId)).toBeNull();
      expect(await rows.getScores(tenantId, batchId, 1)).toBeNull();
      expect(await keys(`rows/${tenantId}/${batchId}/`)).toEqual([]);
      expect(await rows.getInput(tenantId, `${batchId}0`)).toEqual(input());
      expect(await rows.getScores(other, batchId, 1)).toEqual([scores(0, [1, 1, 1])]);
      await rows.deleteBatch(tenantId, batchId);
    });

    it("gives each reader a frame of its own", async () => {
      const { rows } = await make();
      const [tenantId, batchId] = [freshId("ten"), freshId("bat")];
      const put = input();
      await rows.putInput(tenantId, batchId, put);
      put.features[0] = 99;
      const read = await rows.getInput(tenantId, batchId);
      if (!read) throw new Error("the input was not stored");
      read.features[1] = 42;
      await rows.putScores(tenantId, batchId, 0, scores(0, [1, -1, 1]));
      const [scored] = (await rows.getScores(tenantId, batchId, 1)) ?? [];
      scored.labels?.fill(0);
      expect(await rows.getInput(tenantId, batchId)).toEqual(input());
      expect(await rows.getScores(tenantId, batchId, 1)).toEqual([scores(0, [1, -1, 1])]);
    });
  },
);
