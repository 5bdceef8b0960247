// Reads a request body under hard caps: encoded size, decoded size and expansion ratio.
// Web-standard APIs only (native DecompressionStream, as design.md measured it 2.7x faster
// than fflate in workerd); decompression stops at the cap, so a gzip bomb costs at most the cap.
import { ApiError } from "../contract/errors.ts";

export interface BodyLimits {
  maxEncodedBytes: number;
  maxDecodedBytes: number;
  ratioCheckAfterBytes: number;
  maxRatio: number;
}

const ENCODINGS = { gzip: "gzip", "x-gzip": "gzip", deflate: "deflate" } as const;

export interface DecodedBody {
  value: unknown;
  /** The decompressed bytes: their hash identifies the body for idempotency, whatever its encoding. */
  bytes: Uint8Array;
}

/** Returns the decoded JSON value of a request body, or throws an ApiError (4xx). */
export async function decodeJsonBody(request: Request, limits: BodyLimits): Promise<DecodedBody> {
  const type = (request.headers.get("content-type") ?? "").split(";")[0].trim().toLowerCase();
  if (type !== "application/json") {
    throw new ApiError("UNSUPPORTED_MEDIA_TYPE", `Content-Type must be application/json, got "${type || "none"}".`);
  }
  const encoding = (request.headers.get("content-encoding") ?? "identity").trim().toLowerCase();
  if (encoding !== "identity" && !(encoding in ENCODINGS)) {
    throw new ApiError(
      "UNSUPPORTED_ENCODING",
      `Content-Encoding "${encoding}" is not supported; use gzip, deflate or none.`,
    );
  }
  const declared = Number(request.headers.get("content-length") ?? "0");
  if (declared > limits.maxEncodedBytes) throw tooLarge("body", limits.maxEncodedBytes);

  const encoded = await readCapped(request.body, limits.maxEncodedBytes, "body");
  if (encoded.byteLength === 0) throw new ApiError("MALFORMED_BODY", "The request body is empty.");
  let decoded = encoded;
  if (encoding !== "identity") {
    const format = streamFormat(ENCODINGS[encoding as keyof typeof ENCODINGS], encoded);
    const stream = new Blob([encoded]).stream().pipeThrough(new DecompressionStream(format));
    decoded = await readCapped(stream, limits.maxDecodedBytes, "decompressed body", encoded.byteLength, limits);
  } else if (encoded.byteLength > limits.maxDecodedBytes) {
    throw tooLarge("body", limits.maxDecodedBytes);
  }
  let text: string;
  try {
    text = new TextDecoder("utf-8", { fatal: true, ignoreBOM: false }).decode(decoded);
  } catch {
    throw new ApiError("MALFORMED_BODY", "The body is not valid UTF-8.");
  }
  try {
    return { value: JSON.parse(text), bytes: decoded };
  } catch (error) {
    throw new ApiError("MALFORMED_BODY", `The body is not valid JSON: ${(error as Error).message}`);
  }
}

/** HTTP "deflate" means zlib-wrapped (RFC 9110), but many clients send raw DEFLATE: accept both. */
function streamFormat(encoding: "gzip" | "deflate", bytes: Uint8Array): "gzip" | "deflate" | "deflate-raw" {
  if (encoding === "gzip") {
    if (bytes[0] === 0x1f && bytes[1] === 0x8b) return "gzip";
    throw new ApiError("MALFORMED_BODY", "The body is not gzip data (no gzip header).");
  }
  const zlibHeader = (bytes[0] & 0x0f) === 8 && ((bytes[0] << 8) | bytes[1]) % 31 === 0;
  return zlibHeader ? "deflate" : "deflate-raw";
}

async function readCapped(
  body: ReadableStream<Uint8Array> | null,
  cap: number,
  what: string,
  encodedBytes = 0,
  ratio?: Pick<BodyLimits, "ratioCheckAfterBytes" | "maxRatio">,
): Promise<Uint8Array> {
  if (!body) return new Uint8Array(0);
  const reader = body.getReader();
  const parts: Uint8Array[] = [];
  let size = 0;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      size += value.byteLength;
      if (size > cap) throw tooLarge(what, cap);
      if (ratio && size > ratio.ratioCheckAfterBytes && size > encodedBytes * ratio.maxRatio) {
        throw new ApiError("PAYLOAD_TOO_LARGE", `The body expands more than ${ratio.maxRatio}x when decompressed.`);
      }
      parts.push(value);
    }
  } catch (error) {
    await reader.cancel().catch(() => undefined);
    if (error instanceof ApiError) throw error;
    throw new ApiError("MALFORMED_BODY", `The ${what} could not be read: it is truncated or corrupt.`);
  }
  return concat(parts, size);
}

function concat(parts: Uint8Array[], size: number): Uint8Array {
  if (parts.length === 1) return parts[0];
  const out = new Uint8Array(size);
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.byteLength;
  }
  return out;
}

function tooLarge(what: string, cap: number): ApiError {
  return new ApiError("PAYLOAD_TOO_LARGE", `The ${what} is larger than ${cap} bytes.`);
}
