// Opaque pagination cursors: base64url of the UTF-8 of "createdAt.id", then, for a filtered
// listing, "." and base64url of its filters' JSON, so the next page lists the same batches even
// when the client leaves the filters out. A tampered cursor is a 400. Cursors issued before the
// filters existed have no second part and decode as unfiltered.
import { BatchFilter } from "../contract/api.ts";
import { ApiError } from "../contract/errors.ts";
import { toBase64Url } from "./ids.ts";

export interface Cursor {
  createdAt: number;
  id: string;
  /** The listing's filters; absent (or empty) for an unfiltered one. */
  filter?: BatchFilter;
}

const utf8 = (text: string) => toBase64Url(new TextEncoder().encode(text));

export function encodeCursor(cursor: Cursor): string {
  const position = utf8(`${cursor.createdAt}.${cursor.id}`);
  const filter = cursor.filter && Object.keys(cursor.filter).length > 0 ? cursor.filter : null;
  return filter ? `${position}.${utf8(JSON.stringify(filter))}` : position;
}

export function decodeCursor(text: string): Cursor {
  try {
    const [position, filterText, ...extra] = text.split(".");
    const [createdAt, ...rest] = fromBase64Url(position).split(".");
    const id = rest.join(".");
    const at = Number(createdAt);
    if (Number.isSafeInteger(at) && id.length > 0 && extra.length === 0) {
      if (filterText === undefined) return { createdAt: at, id };
      const filter = BatchFilter.safeParse(JSON.parse(fromBase64Url(filterText)));
      if (filter.success) return { createdAt: at, id, filter: filter.data };
    }
  } catch {
    // fall through to the error below
  }
  throw new ApiError("INVALID_REQUEST", "The cursor is not one this API issued.");
}

function fromBase64Url(text: string): string {
  const binary = atob(text.replaceAll("-", "+").replaceAll("_", "/"));
  const bytes = Uint8Array.from(binary, (ch) => ch.charCodeAt(0));
  return new TextDecoder("utf-8", { fatal: true, ignoreBOM: false }).decode(bytes);
}
