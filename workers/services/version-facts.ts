// What a stored margin and label mean under the model version that scored them: the version's
// Platt calibration turns the margin into P(label 1), its class names name the label. Both come
// from the version's artifact, read once per isolate and kept (a version never changes), so a
// batch scored across a promotion gets each row's own, and the registry list names every
// version's classes without reading its artifacts again.
import type { Adapters } from "../adapters/index.ts";
import type { ModelRecord, ModelRegistry } from "../adapters/model-registry.ts";
import { classNamesOf, probabilityOf, type Artifact, type ClassNames, type PlattParams } from "../../model/index.ts";
import { Lru } from "./lru.ts";
import { loadVersion, readVerifiedArtifact } from "./serving-model.ts";

/** P(label 1) and the label's name for a row scored by a version. */
export interface VersionFacts {
  probability(version: string, margin: number): number | null;
  className(version: string, label: 0 | 1): string;
}

interface Fact {
  calibration: PlattParams | undefined;
  classNames: ClassNames;
}

/** What rows of a version whose artifact cannot be read get: no probability, labels "0" and "1". */
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
  // A version gone from the registry (or unreadable) costs its rows their probability and names
  // rather than failing the read; it is not remembered, so a passing outage heals.
  const model = await loadVersion(registry, tenantId, version).catch(() => null);
  if (!model) return UNKNOWN;
  const fact = factOf(model.artifact);
  facts.set(keyOf(tenantId, version), fact);
  return fact;
}

/** The class names of registry rows (e.g. a page of the registry), in order. */
export async function classNamesOfRecords(
  registry: ModelRegistry,
  records: readonly ModelRecord[],
): Promise<ClassNames[]> {
  return Promise.all(
    records.map(async (record) => {
      const key = keyOf(record.tenantId, record.version);
      const cached = facts.get(key);
      if (cached) return cached.classNames;
      // The row is at hand, so only its artifact is read; an unreadable one lists as "0" and
      // "1" (GET /v1/models/{version} says what is wrong with it) and is tried again next time.
      const artifact = await readVerifiedArtifact(registry, record).catch(() => null);
      if (!artifact) return UNKNOWN.classNames;
      const fact = factOf(artifact);
      facts.set(key, fact);
      return fact.classNames;
    }),
  );
}
