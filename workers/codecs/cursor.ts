// Opaque pagination cursors: base64url of the UTF-8 of "createdAt.id"; a tampered cursor is a 400.
import { ApiError } from "../contract/errors.ts";
import { toBase64Url } from "./ids.ts";

export interface Cursor {
  createdAt: number;
  id: string;
}

export function encodeCursor(cursor: Cursor): string {
  return toBase64Url(new TextEncoder().encode(`${cursor.createdAt}.${cursor.id}`));
}

export function decodeCursor(text: string): Cursor {
  try {
    const binary = atob(text.replaceAll("-", "+").replaceAll("_", "/"));
    const bytes = Uint8Array.from(binary, (ch) => ch.charCodeAt(0));
    const [createdAt, ...rest] = new TextDecoder("utf-8", { fatal: true, ignoreBOM: false }).decode(bytes).split(".");
    const id = rest.join(".");
    const at = Number(createdAt);
    if (Number.isSafeInteger(at) && id.length > 0) return { createdAt: at, id };
  } catch {
    // fall through to the error below
  }
  throw new ApiError("INVALID_REQUEST", "The cursor is not one this API issued.");
}
