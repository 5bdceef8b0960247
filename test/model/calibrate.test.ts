// Calibration in the artifact: k-fold out-of-fold margins are each row's margin from the fold model
// that did not train on it; a calibrated artifact seals and decodes; one made before calibration
// existed still decodes, and its predictions have no probability.
import { describe, expect, it } from "vitest";
import {
  buildArtifact,
  calibrateOutOfFold,
  compileModel,
  crossValidate,
  decodeArtifact,
  encodeArtifact,
  probabilityOf,
  scoreMatrix,
  splitFold,
  trainSvm,
} from "../../model/index.ts";
import { loadBanknote } from "./fixtures.ts";

describe("calibration in the artifact", () => {
  const data = loadBanknote();
  const cv = crossValidate(data, { folds: 5 });

  it("takes each row's out-of-fold margin from the fold model that did not train on it", () => {
    const { train, test } = splitFold(data, 2, 5);
    const margins = scoreMatrix(compileModel(trainSvm(train).model), test.x).margins;
    const rows = Array.from({ length: data.y.length }, (_, i) => i).filter((i) => i % 5 === 2);
    expect(rows.map((i) => cv.outOfFold[i])).toEqual(Array.from(margins));
  });

  it("seals a calibrated artifact that decodes with its probabilities, fitted on rows it did not train on", async () => {
    const calibrated = await buildArtifact({
      version: "cal-1",
      data,
      result: trainSvm(data),
      metrics: cv.metrics,
      ...calibrateOutOfFold(cv, data.y),
    });
    const decoded = await decodeArtifact(await encodeArtifact(calibrated));
    expect(decoded.calibration).toMatchObject({ method: "platt", measuredOn: { method: "kfold", folds: 5 } });
    expect(decoded.calibration?.a).toBeLessThan(0);
    expect(probabilityOf(decoded.calibration, 5)).toBeGreaterThan(0.99);
    expect(probabilityOf(decoded.calibration, -5)).toBeLessThan(0.01);
  });

  it("still decodes an artifact made without a calibration, whose predictions have no probability", async () => {
    const plain = await buildArtifact({ version: "plain-1", data, result: trainSvm(data), metrics: cv.metrics });
    const decoded = await decodeArtifact(await encodeArtifact(plain));
    expect(decoded.calibration).toBeUndefined();
    expect(probabilityOf(decoded.calibration, 1)).toBeNull();
  });
});
