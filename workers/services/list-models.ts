// GET /v1/models: the tenant's registry rows as views, in one D1 query. Each row carries its
// class names (stored when it was registered), so a listing reads no artifact however many
// versions there are: on the Free plan a request has 50 subrequests, and each artifact read is
// one or two (KV, then R2).
//
// A row registered before names were stored (class_names null) gets them from its artifact: at
// most MAX_ARTIFACT_READS_PER_LIST such rows per listing, the newest first, and the names read
// are written back to their rows (one statement), so each old row's artifact is read once, not
// once per isolate. Older rows beyond the bound show "0" and "1" until a later listing reaches
// them; a tenant's listing is right for all of them after ceil(old rows / bound) listings.
import { ArtifactError, classNamesOf, type ClassNames } from "../../model/index.ts";
import type { ModelSummary } from "../contract/api.ts";
import type { ModelRecord, ModelRegistry } from "../adapters/model-registry.ts";
import { Lru } from "./lru.ts";
import { modelReadError } from "./model-errors.ts";
import { storedClassNames, toModelSummary } from "./model-views.ts";
import { readVerifiedArtifact } from "./serving-model.ts";

const LIST_LIMIT = 200;
export const MAX_ARTIFACT_READS_PER_LIST = 8;
/** "0" and "1": what a row whose artifact is corrupt or missing lists as (GET /v1/models/{version} says why). */
const UNNAMED: ClassNames = ["0", "1"];

// Names read from old rows' artifacts, so an isolate reads each at most once even when writing
// them back fails, and a corrupt artifact (it never changes) is not read again at every listing.
const readNames = new Lru<ClassNames>(1024);
const keyOf = (record: Pick<ModelRecord, "tenantId" | "version">) => `${record.tenantId}\n${record.version}`;

export async function listModelSummaries(registry: ModelRegistry, tenantId: string): Promise<ModelSummary[]> {
  const records = await registry.listModels(tenantId, LIST_LIMIT);
  const fallback = new Map<string, ClassNames>();
  const unread: ModelRecord[] = [];
  for (const record of records) {
    if (storedClassNames(record)) continue;
    const known = readNames.get(keyOf(record));
    if (known) fallback.set(record.version, known);
    else if (unread.length < MAX_ARTIFACT_READS_PER_LIST) unread.push(record);
  }
  const read = await Promise.all(
    unread.map(async (record) => ({ record, names: await namesInArtifact(registry, record) })),
  );
  for (const { record, names } of read) fallback.set(record.version, names ?? UNNAMED);
  const found = read.flatMap(({ record, names }) =>
    names ? [{ version: record.version, classNames: JSON.stringify(names) }] : [],
  );
  // The names are right whether or not they are kept: a failed write costs a later read, not this answer.
  await registry.recordClassNames(tenantId, found).catch((error: unknown) => {
    console.warn(`class names of ${found.length} versions of tenant ${tenantId} were not stored:`, error);
  });
  return records.map((record) => toModelSummary(record, fallback.get(record.version)));
}

/**
 * The class names in a row's artifact, remembered in this isolate; null when the artifact is
 * corrupt or missing. Any other failure (KV, R2 or D1 unavailable for a moment) fails the
 * listing with 503 rather than naming the row's classes "0" and "1".
 */
async function namesInArtifact(registry: ModelRegistry, record: ModelRecord): Promise<ClassNames | null> {
  try {
    const names = classNamesOf(await readVerifiedArtifact(registry, record));
    readNames.set(keyOf(record), names);
    return names;
  } catch (error) {
    if (!(error instanceof ArtifactError)) throw modelReadError(error, `Model ${record.version} cannot be read`);
    readNames.set(keyOf(record), UNNAMED);
    return null;
  }
}
