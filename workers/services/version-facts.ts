// What a stored margin and label mean under the model version that scored them: the version's
// Platt calibration turns the margin into P(label 1), its class names name the label. Both come
// from the version's artifact, read once per isolate and kept (a version never changes), so a
// batch scored across a promotion gets each row's own. Only a version that is gone or whose
// artifact is corrupt reads as unknown; an outage fails the read (503) or the queue message
// (retried), since what is built from these facts may be cached in KV for days.
import type { Adapters } from "../adapters/index.ts";
import type { ModelRegistry } from "../adapters/model-registry.ts";
import {
  ArtifactError,
  classNamesOf,
  probabilityOf,
  type Artifact,
  type ClassNames,
  type PlattParams,
} from "../../model/index.ts";
import { Lru } from "./lru.ts";
import { modelReadError } from "./model-errors.ts";
import { loadVersion } from "./serving-model.ts";

/** P(label 1) and the label's name for a row scored by a version. */
export interface VersionFacts {
  probability(version: string, margin: number): number | null;
  className(version: string, label: 0 | 1): string;
}

interface Fact {
  calibration: PlattParams | undefined;
  classNames: ClassNames;
}

/** What rows of a version gone from the registry, or whose artifact is corrupt, get: no probability, labels "0" and "1". */
const UNKNOWN: Fact = { calibration: undefined, classNames: ["0", "1"] };

// A few dozen bytes per version, so many more than the models cache (which holds whole models).
const facts = new Lru<Fact>(4096);
const keyOf = (tenantId: string, version: string) => `${tenantId}\n${version}`;

function factOf(artifact: Artifact): Fact {
  const { calibration } = artifact;
  return { calibration: calibration && { a: calibration.a, b: calibration.b }, classNames: classNamesOf(artifact) };
}

function lookup(known: ReadonlyMap<string, Fact>): VersionFacts {
  return {
    probability: (version, margin) => probabilityOf((known.get(version) ?? UNKNOWN).calibration, margin),
    className: (version, label) => (known.get(version) ?? UNKNOWN).classNames[label],
  };
}

/** For rows read without their versions' artifacts: no probabilities, labels called "0" and "1". */
export const NO_FACTS: VersionFacts = lookup(new Map());

/** The facts of the versions that scored a set of rows, one artifact read per version at most. */
export async function versionFacts(
  adapters: Adapters,
  tenantId: string,
  versions: readonly string[],
): Promise<VersionFacts> {
  const known = new Map<string, Fact>();
  for (const version of new Set(versions)) known.set(version, await factOfVersion(adapters.models, tenantId, version));
  return lookup(known);
}

async function factOfVersion(registry: ModelRegistry, tenantId: string, version: string): Promise<Fact> {
  const cached = facts.get(keyOf(tenantId, version));
  if (cached) return cached;
  // A version gone from the registry or with a corrupt artifact (an ArtifactError) costs its rows
  // their probability and names rather than failing the read; it is not remembered (a deleted
  // name may be registered again). Anything else may pass, so it fails this attempt instead.
  const model = await loadVersion(registry, tenantId, version).catch((error: unknown) => {
    if (error instanceof ArtifactError) return null;
    throw modelReadError(error, `Model ${version}, which scored these rows, cannot be read`);
  });
  if (!model) return UNKNOWN;
  const fact = factOf(model.artifact);
  facts.set(keyOf(tenantId, version), fact);
  return fact;
}
