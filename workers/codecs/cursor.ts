// Opaque pagination cursors: base64url of "createdAt.id"; a tampered cursor is a 400.
import { ApiError } from "../contract/errors.ts";

export interface Cursor {
  createdAt: number;
  id: string;
}

export function encodeCursor(cursor: Cursor): string {
  return btoa(`${cursor.createdAt}.${cursor.id}`).replaceAll("+", "-").replaceAll("/", "_").replaceAll("=", "");
}

export function decodeCursor(text: string): Cursor {
  try {
    const [createdAt, ...rest] = atob(text.replaceAll("-", "+").replaceAll("_", "/")).split(".");
    const id = rest.join(".");
    const at = Number(createdAt);
    if (Number.isSafeInteger(at) && id.length > 0) return { createdAt: at, id };
  } catch {
    // fall through to the error below
  }
  throw new ApiError("INVALID_REQUEST", "The cursor is not one this API issued.");
}
