// Splits a batch into queue messages that fit the 128 KB message limit. The first cut uses
// the average row size of the request; any chunk that still serialises too large (numbers
// can grow when re-serialised, "1e5" -> "100000") is halved until it fits.
export interface RowChunk {
  offset: number;
  features: number[][];
  ids?: string[];
  bytes: number;
}

export function chunkRows(
  features: number[][],
  ids: string[] | undefined,
  bytesPerRowHint: number,
  targetBytes: number,
  hardLimitBytes: number,
): RowChunk[] {
  const rowsPerChunk = Math.max(1, Math.floor(targetBytes / Math.max(1, bytesPerRowHint)));
  const chunks: RowChunk[] = [];
  for (let offset = 0; offset < features.length; offset += rowsPerChunk) {
    pushFitting(chunks, features, ids, offset, Math.min(features.length, offset + rowsPerChunk), hardLimitBytes);
  }
  return chunks;
}

function pushFitting(
  out: RowChunk[],
  features: number[][],
  ids: string[] | undefined,
  start: number,
  end: number,
  limit: number,
): void {
  const slice = features.slice(start, end);
  const idSlice = ids?.slice(start, end);
  // The envelope (kind, ids of the batch and tenant, offsets) adds well under 256 bytes.
  const bytes = JSON.stringify(slice).length + (idSlice ? JSON.stringify(idSlice).length : 0) + 256;
  if (bytes <= limit || end - start === 1) {
    out.push({ offset: start, features: slice, ...(idSlice ? { ids: idSlice } : {}), bytes });
    return;
  }
  const mid = start + Math.floor((end - start) / 2);
  pushFitting(out, features, ids, start, mid, limit);
  pushFitting(out, features, ids, mid, end, limit);
}
