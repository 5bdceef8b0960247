import { beforeAll, describe, expect, it } from "vitest";
import {
  ArtifactError,
  buildArtifact,
  classNamesOf,
  compileModel,
  computeChecksum,
  crossValidate,
  decodeArtifact,
  encodeArtifact,
  generateClassification,
  scoreMatrix,
  sealArtifact,
  trainSvm,
} from "../../model/index.ts";
import type { Artifact, ArtifactErrorReason } from "../../model/index.ts";
import { loadBanknote } from "./fixtures.ts";

const data = loadBanknote();
let artifact: Artifact;
let text: string;

beforeAll(async () => {
  const result = trainSvm(data);
  artifact = await buildArtifact({
    version: "v1.test",
    parentVersion: null,
    createdAt: new Date("2026-11-24T10:00:00.000Z"),
    data,
    result,
    metrics: crossValidate(data).metrics,
  });
  text = await encodeArtifact(artifact);
});

/** A deep copy to mutate. */
const copy = (): Record<string, unknown> & Artifact => structuredClone(artifact);
/** A mutated copy whose checksum is recomputed, so only the mutation can be refused. */
const resealed = async (mutate: (a: ReturnType<typeof copy>) => void): Promise<unknown> => {
  const changed = copy();
  mutate(changed);
  return { ...changed, checksum: await computeChecksum(changed) };
};

describe("buildArtifact", () => {
  it("records format, lineage, schema, hyperparameters, training summary and metrics", () => {
    expect(artifact.format).toBe("edge-svm/linear-svm");
    expect(artifact.formatVersion).toBe(1);
    expect(artifact.createdAt).toBe("2026-11-24T10:00:00.000Z");
    expect(artifact.parentVersion).toBeNull();
    expect(artifact.featureNames).toEqual(["variance", "skewness", "curtosis", "entropy"]);
    expect(artifact.hyperparameters).toMatchObject({ C: 1, loss: "squared-hinge", solver: "newton" });
    expect(artifact.training).toMatchObject({ rows: 1372, classCounts: { "0": 762, "1": 610 }, converged: true });
    expect(artifact.training.featureStats[0].deciles).toHaveLength(11);
    expect(artifact.metrics.measuredOn).toEqual({ method: "kfold", folds: 5 });
    expect(artifact.checksum).toMatch(/^sha256:[0-9a-f]{64}$/);
  });

  it("refuses a version id outside A–Z a–z 0–9 . _ -", async () => {
    const result = trainSvm(data);
    const metrics = { ...crossValidate(data).metrics };
    await expect(buildArtifact({ version: "bad version", data, result, metrics })).rejects.toThrow(ArtifactError);
  });
});

describe("encodeArtifact and decodeArtifact", () => {
  it("round-trip an artifact unchanged", async () => {
    expect(await decodeArtifact(text)).toEqual(artifact);
  });

  it("give a decoded artifact that scores exactly like the model it came from", async () => {
    const decoded = await decodeArtifact(text);
    expect(scoreMatrix(compileModel(decoded), data.x)).toEqual(scoreMatrix(compileModel(artifact), data.x));
  });

  it("checksum values, not layout: reordered keys and other whitespace still decode", async () => {
    const reordered = Object.fromEntries(Object.entries(JSON.parse(text) as object).reverse());
    await expect(decodeArtifact(JSON.stringify(reordered))).resolves.toEqual(artifact);
  });

  it("round-trip a seven-feature model", async () => {
    const wide = generateClassification({
      rows: 200,
      features: 7,
      informative: 3,
      redundant: 2,
      flip: 0,
      classSep: 2,
      seed: 1,
    });
    const sealed = await buildArtifact({
      version: "wide-1",
      parentVersion: "v1.test",
      data: wide,
      result: trainSvm(wide),
      metrics: { ...crossValidate(wide).metrics },
    });
    const decoded = await decodeArtifact(await encodeArtifact(sealed));
    expect(decoded.weights).toHaveLength(7);
    expect(decoded.parentVersion).toBe("v1.test");
  });
});

/** The test artifact with class names, sealed. */
const named = () => sealArtifact({ ...copy(), classNames: ["genuine", "forged"] });

describe("class names", () => {
  it("round-trip with the artifact, index 0 naming label 0", async () => {
    const sealed = await named();
    const decoded = await decodeArtifact(await encodeArtifact(sealed));
    expect(decoded.classNames).toEqual(["genuine", "forged"]);
    expect(classNamesOf(decoded)).toEqual(["genuine", "forged"]);
    expect(decoded).toEqual(sealed);
  });

  it("are part of what the checksum covers", async () => {
    expect((await named()).checksum).not.toBe(artifact.checksum);
  });

  it("are optional: an artifact made before them decodes, its classes called 0 and 1", async () => {
    const decoded = await decodeArtifact(text);
    expect(decoded.classNames).toBeUndefined();
    expect(classNamesOf(decoded)).toEqual(["0", "1"]);
  });

  it("come from the training data when buildArtifact is not given them", async () => {
    const built = await buildArtifact({
      version: "named-1",
      data: { ...data, classNames: ["genuine", "forged"] },
      result: trainSvm(data),
      metrics: artifact.metrics,
    });
    expect(built.classNames).toEqual(["genuine", "forged"]);
  });
});

describe.each<[string, () => unknown | Promise<unknown>, ArtifactErrorReason, RegExp]>([
  [
    "an unknown format",
    () => ({ ...copy(), format: "other/model" }),
    "format",
    /unknown artifact format "other\/model"/,
  ],
  ["a newer format version", () => ({ ...copy(), formatVersion: 2 }), "format", /unsupported formatVersion 2/],
  ["a missing format", () => ({ ...copy(), format: undefined }), "format", /unknown artifact format/],
  [
    "an edited weight",
    () => ({ ...copy(), weights: [1, ...artifact.weights.slice(1)] }),
    "checksum",
    /checksum mismatch/,
  ],
  ["an edited checksum", () => ({ ...copy(), checksum: `sha256:${"0".repeat(64)}` }), "checksum", /checksum mismatch/],
  ["an extra weight", () => resealed((a) => a.weights.push(0.5)), "shape", /weights has 5 entries for 4 feature names/],
  ["a short scaler", () => resealed((a) => a.scaler.mean.pop()), "shape", /scaler.mean has 3 entries/],
  [
    "a missing feature's stats",
    () => resealed((a) => a.training.featureStats.pop()),
    "shape",
    /training.featureStats has 3/,
  ],
  [
    "a bias of 1e999 in JSON text",
    () => text.replace(/"bias": [^,]+,/, '"bias": 1e999,'),
    "non-finite",
    /Infinity at bias/,
  ],
  ["a NaN weight", () => ({ ...copy(), weights: [0, Number.NaN, 0, 0] }), "non-finite", /NaN at weights\[1\]/],
  ["text that is not JSON", () => "{ not json", "invalid", /not JSON/],
  ["a JSON array", () => "[]", "invalid", /must be a JSON object/],
  ["a missing bias", () => ({ ...copy(), bias: undefined }), "invalid", /bias/],
  ["a bad version id", () => resealed((a) => (a.version = "../etc/passwd")), "invalid", /version/],
  ["an unknown field", () => resealed((a) => (a.extra = 1)), "invalid", /Unrecognized key/],
  ["a zero scale", () => resealed((a) => (a.scaler.scale[0] = 0)), "invalid", /scaler.scale/],
  ["duplicate feature names", () => resealed((a) => (a.featureNames[1] = "variance")), "invalid", /unique/],
  [
    "class names edited after sealing",
    async () => ({ ...(await named()), classNames: ["forged", "genuine"] }),
    "checksum",
    /checksum mismatch/,
  ],
  ["two equal class names", () => resealed((a) => (a.classNames = ["same", "same"])), "invalid", /differ/],
  ["an empty class name", () => resealed((a) => (a.classNames = ["", "forged"])), "invalid", /classNames/],
  [
    "a class name of 41 characters",
    () => resealed((a) => (a.classNames = ["a".repeat(41), "b"])),
    "invalid",
    /classNames/,
  ],
  ["three class names", () => resealed((a) => (a.classNames = ["a", "b", "c"] as never)), "invalid", /classNames/],
  ["a class name with a line break", () => resealed((a) => (a.classNames = ["a\nb", "c"])), "invalid", /classNames/],
])("decodeArtifact given %s", (_, makeInput, reason, message) => {
  it(`refuses it with reason "${reason}"`, async () => {
    const error = await decodeArtifact(await makeInput()).then(
      () => null,
      (caught: unknown) => caught,
    );
    expect(error).toBeInstanceOf(ArtifactError);
    expect((error as ArtifactError).reason).toBe(reason);
    expect((error as ArtifactError).message).toMatch(message);
  });
});
