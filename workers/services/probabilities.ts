// Probabilities for stored margins: each version's Platt calibration from its artifact (cached
// per isolate by serving-model.ts), so a batch scored across a promotion gets each row's own.
import type { Adapters } from "../adapters/index.ts";
import { probabilityOf } from "../../model/index.ts";
import type { ProbabilityOf } from "./batch-result.ts";
import { loadVersion } from "./serving-model.ts";

export async function probabilitiesFor(
  adapters: Adapters,
  tenantId: string,
  versions: readonly string[],
): Promise<ProbabilityOf> {
  const calibrations = new Map<string, { a: number; b: number } | undefined>();
  for (const version of new Set(versions)) {
    // A version gone from the registry scores no probability rather than failing the read.
    const model = await loadVersion(adapters.models, tenantId, version).catch(() => null);
    calibrations.set(version, model?.artifact.calibration);
  }
  return (version, margin) => probabilityOf(calibrations.get(version), margin);
}
