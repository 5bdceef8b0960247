// Splits a batch into queue messages that fit the 128 KB message limit, counted in UTF-8 bytes
// (what the queue counts; a string's length counts UTF-16 units, so "é" or "日本" ids would
// slip past a length check). The first cut uses the average row size of the request; any chunk
// that still serialises too large (numbers can grow when re-serialised, "1e5" -> "100000") is
// halved until it fits.
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
  const bytes = utf8Length(JSON.stringify(slice)) + (idSlice ? utf8Length(JSON.stringify(idSlice)) : 0) + 256;
  if (bytes <= limit || end - start === 1) {
    out.push({ offset: start, features: slice, ...(idSlice ? { ids: idSlice } : {}), bytes });
    return;
  }
  const mid = start + Math.floor((end - start) / 2);
  pushFitting(out, features, ids, start, mid, limit);
  pushFitting(out, features, ids, mid, end, limit);
}

/** The UTF-8 length of a string, without encoding it. A lone surrogate counts 3 (as U+FFFD). */
export function utf8Length(text: string): number {
  let bytes = text.length;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code < 0x80) continue;
    if (code < 0x800) bytes += 1;
    else if (code >= 0xd800 && code <= 0xdbff && i + 1 < text.length) {
      const next = text.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) {
        bytes += 2; // a pair: 2 units, 4 bytes
        i++;
      } else bytes += 2;
    } else bytes += 2;
  }
  return bytes;
}
