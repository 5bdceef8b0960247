// A model trained elsewhere (`npm run train -- --publish`) enters the caller's tenant's registry: its artifact
// is verified (checksum, shape, finite numbers), stored as a candidate or activated. A user's
// own dataset and feature schema become the base for retraining when the model is activated.
import { CsvError, decodeArtifact, formatCsv, parseCsv, type Artifact } from "../../model/index.ts";
import { ApiError } from "../contract/errors.ts";
import { LIMITS } from "../contract/limits.ts";
import type { Adapters } from "../adapters/index.ts";
import type { ModelRecord } from "../adapters/model-registry.ts";
import { sha256Hex } from "../codecs/ids.ts";
import { modelReadError } from "./model-errors.ts";
import { registerModel } from "./register-model.ts";

export async function publishModel(
  adapters: Adapters,
  input: { artifact: unknown; dataset?: string; activate: boolean },
  caller: { tenantId: string; actor: string },
): Promise<{ record: ModelRecord; artifact: Artifact }> {
  const artifact = await decodeArtifact(input.artifact).catch((error: unknown) => {
    throw modelReadError(error, "The artifact was refused");
  });
  if (artifact.featureNames.length > LIMITS.maxFeatures) {
    throw new ApiError("MODEL_INVALID", `A model takes at most ${LIMITS.maxFeatures} features.`);
  }
  if (await adapters.models.findModel(caller.tenantId, artifact.version)) throw exists(artifact.version);
  let baseCsv = input.dataset;
  if (input.dataset !== undefined) {
    const data = (() => {
      try {
        // Label words are the artifact's class names; words it does not name are refused.
        return parseCsv(input.dataset, { classes: artifact.classNames });
      } catch (error) {
        if (!(error instanceof CsvError)) throw error;
        throw new ApiError(
          error.code === "range" ? "VALUE_OUT_OF_RANGE" : "MODEL_INVALID",
          `The dataset was refused: ${error.message}`,
        );
      }
    })();
    if (data.featureNames.join(",") !== artifact.featureNames.join(",")) {
      throw new ApiError("MODEL_INVALID", "The dataset's features differ from the model's.");
    }
    if (data.classNames && !artifact.classNames) {
      throw new ApiError(
        "MODEL_INVALID",
        `The dataset's labels are words ("${data.classNames.join('", "')}"); the model names no classes, so its labels must be 0 and 1.`,
      );
    }
    // Retraining reads a base dataset's labels as 0 and 1, so named ones are stored as numbers.
    if (data.classNames) baseCsv = formatCsv(data);
  }
  const base = await adapters.datasets.readBase(caller.tenantId);
  const schemaChanges = !base || base.featureNames.join(",") !== artifact.featureNames.join(",");
  if (input.activate && schemaChanges && input.dataset === undefined) {
    throw new ApiError(
      "MODEL_INVALID",
      `Model ${artifact.version} has other features than the base dataset; publish its dataset with it so retraining can use it.`,
    );
  }
  const record = await registerModel(adapters, caller.tenantId, artifact, {
    status: input.activate ? "champion" : "candidate",
    source: "cli",
    fingerprint: input.dataset === undefined ? artifact.checksum : await sha256Hex(input.dataset),
    audit: {
      actor: caller.actor,
      action: input.activate ? "model.published+activated" : "model.published",
    },
  });
  if (!record) throw exists(artifact.version);
  // The base dataset follows the champion: written once the model is registered and active.
  if (input.activate && baseCsv !== undefined) await adapters.datasets.writeBase(caller.tenantId, baseCsv);
  return { record, artifact };
}

const exists = (version: string) =>
  new ApiError("MODEL_EXISTS", `Model ${version} exists already; versions are immutable.`);
