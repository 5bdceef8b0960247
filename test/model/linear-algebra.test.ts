import { describe, expect, it } from "vitest";
import { factorCholesky, solveCholesky } from "../../model/linear-algebra.ts";

describe("factorCholesky", () => {
  it("factors [[4, 2], [2, 3]] into [[2, 0], [1, √2]]", () => {
    const l = factorCholesky(Float64Array.from([4, 2, 2, 3]), 2);
    expect(l[0]).toBe(2);
    expect(l[1]).toBe(0);
    expect(l[2]).toBe(1);
    expect(l[3]).toBeCloseTo(Math.SQRT2, 14);
  });

  it("refuses a matrix that is not positive definite", () => {
    expect(() => factorCholesky(Float64Array.from([1, 2, 2, 1]), 2)).toThrow(/not positive definite/);
  });
});

describe("solveCholesky", () => {
  it("solves A·x = b through the factor", () => {
    const a = Float64Array.from([4, 2, 2, 3]);
    const x = solveCholesky(factorCholesky(a, 2), Float64Array.from([10, 11]), 2);
    expect(x[0]).toBeCloseTo(1, 12);
    expect(x[1]).toBeCloseTo(3, 12);
  });
});
