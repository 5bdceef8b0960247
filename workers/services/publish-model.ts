// A model trained elsewhere (`npm run train -- --publish`) enters the registry: its artifact
// is verified (checksum, shape, finite numbers), stored as a candidate or activated. A user's
// own dataset and feature schema become the base for retraining when the model is activated.
import { decodeArtifact, parseCsv } from "../../model/index.ts";
import { ApiError } from "../contract/errors.ts";
import { auditLog } from "../db/schema.ts";
import type { Adapters } from "../adapters/index.ts";
import type { ModelRecord } from "../adapters/model-registry.ts";
import { sha256Hex } from "../codecs/ids.ts";
import { registerModel } from "./register-model.ts";

export async function publishModel(
  adapters: Adapters,
  input: { artifact: unknown; dataset?: string; activate: boolean },
  actor: string,
): Promise<ModelRecord> {
  const artifact = await decodeArtifact(input.artifact).catch((error: Error) => {
    throw new ApiError("MODEL_INVALID", `The artifact was refused: ${error.message}`);
  });
  if (await adapters.models.findModel(artifact.version)) {
    throw new ApiError("MODEL_EXISTS", `Model ${artifact.version} exists already; versions are immutable.`);
  }
  if (input.dataset !== undefined) {
    const data = (() => {
      try {
        return parseCsv(input.dataset);
      } catch (error) {
        throw new ApiError("MODEL_INVALID", `The dataset was refused: ${(error as Error).message}`);
      }
    })();
    if (data.featureNames.join(",") !== artifact.featureNames.join(",")) {
      throw new ApiError("MODEL_INVALID", "The dataset's features differ from the model's.");
    }
  }
  const base = await adapters.datasets.readBase();
  const schemaChanges = !base || base.featureNames.join(",") !== artifact.featureNames.join(",");
  if (input.activate && schemaChanges && input.dataset === undefined) {
    throw new ApiError(
      "MODEL_INVALID",
      `Model ${artifact.version} has other features than the base dataset; publish its dataset with it so retraining can use it.`,
    );
  }
  if (input.activate && input.dataset !== undefined) await adapters.datasets.writeBase(input.dataset);
  const record = await registerModel(adapters, artifact, {
    status: input.activate ? "champion" : "candidate",
    source: "cli",
    fingerprint: input.dataset === undefined ? artifact.checksum : await sha256Hex(input.dataset),
  });
  await adapters.db.insert(auditLog).values({
    actor,
    action: input.activate ? "model.published+activated" : "model.published",
    subject: artifact.version,
    at: Date.now(),
  });
  return record;
}
