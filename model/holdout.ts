// A deterministic holdout: a row's side depends only on its feature values (FNV-1a hash of
// their text), never on order, time or a random draw, so re-running a retrain on the same
// data splits it the same way and a row never moves between train and holdout.
/** FNV-1a, 32-bit (Fowler, Noll, Vo): a fast, well-spread hash for short keys. */
export function hashKey(key: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < key.length; i++) {
    hash ^= key.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}

/** The text key of a feature vector: identical vectors share it (and so dedupe and split together). */
export function rowKey(row: ArrayLike<number>): string {
  return Array.prototype.join.call(row, ",");
}

/** True for about 1 in `every` rows: those held out from training to judge models on. */
export function isHoldout(key: string, every = 5): boolean {
  return hashKey(key) % every === 0;
}
