// checkJsonShape guards JSON.parse, so it may over-count a body but must never under-count it:
// compared here with a plain recursive count of the value that was serialised.
import { fc, it } from "@fast-check/vitest";
import { describe, expect } from "vitest";
import { checkJsonShape } from "../../workers/codecs/json-shape.ts";
import { RUNS, jsonValue, utf8 } from "./arbitraries.ts";

const UNLIMITED = { maxContainers: Number.MAX_SAFE_INTEGER, maxValues: Number.MAX_SAFE_INTEGER };
const MAX_DEPTH = 32;

interface Census {
  containers: number;
  values: number;
  depth: number;
}

/** Arrays and objects, values of any kind (containers included), and the deepest nesting. */
function census(value: unknown): Census {
  if (value === null || typeof value !== "object") return { containers: 0, values: 1, depth: 0 };
  const children = Array.isArray(value) ? value : Object.values(value);
  const total = { containers: 1, values: 1, depth: 1 };
  for (const child of children) {
    const inner = census(child);
    total.containers += inner.containers;
    total.values += inner.values;
    total.depth = Math.max(total.depth, inner.depth + 1);
  }
  return total;
}

/** Nests `value` in `levels` alternating arrays and objects, to pass the depth limit at times. */
const nested = (value: unknown, levels: number): unknown =>
  levels === 0 ? value : nested(levels % 2 ? [value] : { k: value }, levels - 1);

const indent = fc.constantFrom(undefined, 1, 2, "\t", " \r\n");

describe("checkJsonShape", () => {
  it.prop([jsonValue(6), indent], RUNS)(
    "never counts fewer arrays, objects or values than a JSON text holds",
    (value, space) => {
      const real = census(value);
      const verdict = checkJsonShape(utf8(JSON.stringify(value, null, space)), UNLIMITED);
      expect(verdict).toMatchObject({ ok: true });
      if (!verdict.ok) return;
      expect(verdict.containers).toBeGreaterThanOrEqual(real.containers);
      expect(verdict.values).toBeGreaterThanOrEqual(real.values);
    },
  );

  it.prop([jsonValue(3), fc.integer({ min: 0, max: 40 }), indent], RUNS)(
    "refuses a text nested deeper than 32 levels and accepts any shallower one",
    (value, levels, space) => {
      const wrapped = nested(value, levels);
      const verdict = checkJsonShape(utf8(JSON.stringify(wrapped, null, space)), UNLIMITED);
      if (census(wrapped).depth > MAX_DEPTH) expect(verdict).toEqual({ ok: false, reason: "depth" });
      else expect(verdict.ok).toBe(true);
    },
  );

  it.prop([jsonValue(4), fc.integer({ min: 0, max: 20 }), fc.integer({ min: 1, max: 60 }), indent], RUNS)(
    "refuses a text whose real counts exceed the limits",
    (value, maxContainers, maxValues, space) => {
      const real = census(value);
      fc.pre(real.containers > maxContainers || real.values > maxValues);
      const verdict = checkJsonShape(utf8(JSON.stringify(value, null, space)), { maxContainers, maxValues });
      expect(verdict.ok).toBe(false);
    },
  );
});
