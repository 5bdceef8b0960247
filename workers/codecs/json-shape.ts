// Counts what JSON.parse would build before it builds it. Parsed JSON costs far more memory than
// its text: 16 MiB of "[0]," becomes ≈256 MB of arrays, twice an isolate's 128 MB. One pass over
// the bytes (strings skipped, escapes honoured) counts containers and values, so a body is refused
// on its shape while it is still only bytes.
export interface JsonShapeLimits {
  maxContainers: number;
  maxValues: number;
}

export type JsonShapeVerdict =
  { ok: true; containers: number; values: number } | { ok: false; reason: "containers" | "values" | "depth" };

const MAX_DEPTH = 32;
/** 1 for the bytes the scan acts on outside strings; digits, letters and spaces (most of a batch) are 0. */
const STRUCTURAL = new Uint8Array(256);
for (const byte of [0x22, 0x2c, 0x3a, 0x5b, 0x5d, 0x7b, 0x7d]) STRUCTURAL[byte] = 1;
const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COMMA = 0x2c;
const COLON = 0x3a;
const OPEN_ARRAY = 0x5b;
const OPEN_OBJECT = 0x7b;
const CLOSE_ARRAY = 0x5d;
const CLOSE_OBJECT = 0x7d;

/**
 * Upper bounds on the containers ([ and {) and values (every comma, colon and container adds at
 * most one) of a JSON text given as UTF-8 bytes. Malformed JSON is not judged here: JSON.parse
 * refuses it afterwards, and a malformed body can only be over-counted, never under-counted.
 */
export function checkJsonShape(bytes: Uint8Array, limits: JsonShapeLimits): JsonShapeVerdict {
  let containers = 0;
  let values = 1;
  let depth = 0;
  let inString = false;
  for (let i = 0; i < bytes.length; i++) {
    const byte = bytes[i];
    if (inString) {
      if (byte === BACKSLASH) i++;
      else if (byte === QUOTE) inString = false;
      continue;
    }
    if (STRUCTURAL[byte] === 0) continue;
    switch (byte) {
      case QUOTE:
        inString = true;
        break;
      case OPEN_ARRAY:
      case OPEN_OBJECT:
        if (++containers > limits.maxContainers) return { ok: false, reason: "containers" };
        if (++depth > MAX_DEPTH) return { ok: false, reason: "depth" };
        if (++values > limits.maxValues) return { ok: false, reason: "values" };
        break;
      case CLOSE_ARRAY:
      case CLOSE_OBJECT:
        depth--;
        break;
      case COMMA:
      case COLON:
        if (++values > limits.maxValues) return { ok: false, reason: "values" };
        break;
    }
  }
  return { ok: true, containers, values };
}
