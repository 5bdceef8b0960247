// A fresh clone must test and benchmark without anything beside it: the inputs the tests and
// benchmarks need are vendored in test/fixtures, and nothing reaches outside the repository.
import { readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { describe, expect, it } from "vitest";

const ROOT = join(import.meta.dirname, "../..");
const FIXTURES = join(ROOT, "test/fixtures");

function filesUnder(folder: string): string[] {
  return readdirSync(join(ROOT, folder), { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile() && /\.(ts|mjs|js|json)$|^run$/.test(entry.name))
    .map((entry) => relative(ROOT, join(entry.parentPath, entry.name)));
}

describe("the repository's own test inputs", () => {
  it("vendors the banknote data: 1,372 rows of four features and a class, 762 of class 0", () => {
    const lines = readFileSync(join(FIXTURES, "bank_data.csv"), "utf8").trim().split(/\r?\n/);
    expect(lines[0]).toBe("variance,skewness,curtosis,entropy,class");
    const classes = lines.slice(1).map((line) => line.split(",").at(-1));
    expect(classes).toHaveLength(1372);
    expect(classes.filter((c) => c === "0")).toHaveLength(762);
  });

  it("vendors the scikit-learn figures the acceptance tests and the benchmark compare against", () => {
    const banknote = JSON.parse(readFileSync(join(FIXTURES, "sklearn-banknote.json"), "utf8"));
    expect(Object.keys(banknote.models).sort()).toEqual(["linearsvc_hinge_C1_scaled", "linearsvc_sqhinge_C1_scaled"]);
    const speed = JSON.parse(readFileSync(join(FIXTURES, "sklearn-speed.json"), "utf8"));
    expect(speed.train.length).toBeGreaterThan(0);
  });

  it.each(["test", "scripts", ".ci", "package.json", "vitest.config.ts"])(
    "reads nothing from a shared folder beside the project (%s)",
    (place) => {
      const files = place.includes(".") && place !== ".ci" ? [place] : filesUnder(place);
      const reaching = files.filter((file) => /\.\.\/(\.\.\/)*shared\b/.test(readFileSync(join(ROOT, file), "utf8")));
      expect(reaching).toEqual([]);
    },
  );
});
