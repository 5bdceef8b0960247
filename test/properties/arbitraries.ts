// Generators and outcome checks shared by the property tests (Node and workerd alike). A
// property fails with the unexpected error itself, so fast-check shrinks and prints the input
// that made, say, a TypeError escape where only an ApiError may.
import { fc } from "@fast-check/vitest";
import { ApiError } from "../../workers/contract/errors.ts";

/** Every property runs at least this many generated cases. */
export const RUNS = { numRuns: 1000 } as const;

/** Any UTF-16 string, lone surrogates included (fc.string's own units never produce those). */
export function anyString(maxLength = 64): fc.Arbitrary<string> {
  const unit = fc.integer({ min: 0, max: 0xffff }).map((code) => String.fromCharCode(code));
  return fc.string({ unit, maxLength });
}

/** Strings of whole code points (no lone surrogates): what UTF-8 text and HTTP can carry. */
export function unicodeString(constraints: { minLength?: number; maxLength?: number } = {}): fc.Arbitrary<string> {
  return fc.string({ unit: "binary", ...constraints });
}

/** Any JSON value, with ASCII or full-Unicode strings, nested at most `maxDepth` deep. */
export function jsonValue(maxDepth = 4): fc.Arbitrary<unknown> {
  return fc.oneof(fc.jsonValue({ maxDepth }), fc.jsonValue({ maxDepth, stringUnit: "binary" }));
}

// TextEncoder always allocates a fresh ArrayBuffer; the cast only tells TypeScript so.
export const utf8 = (text: string) => new TextEncoder().encode(text) as Uint8Array<ArrayBuffer>;

export type Outcome<T, E> = { ok: true; value: T } | { ok: false; error: E };

export const isClientError = (error: unknown): error is ApiError =>
  error instanceof ApiError && error.status >= 400 && error.status < 500;

/** Runs `run`: its value, or the error it threw if `expected` accepts it; anything else is rethrown. */
export async function outcomeOf<T, E>(
  run: () => T | Promise<T>,
  expected: (error: unknown) => error is E,
): Promise<Outcome<T, E>> {
  try {
    return { ok: true, value: await run() };
  } catch (error) {
    if (expected(error)) return { ok: false, error };
    throw new Error(`unexpected ${describeError(error)}`, { cause: error });
  }
}

/** The synchronous twin of outcomeOf, for pure parsers. */
export function outcomeOfSync<T, E>(run: () => T, expected: (error: unknown) => error is E): Outcome<T, E> {
  try {
    return { ok: true, value: run() };
  } catch (error) {
    if (expected(error)) return { ok: false, error };
    throw new Error(`unexpected ${describeError(error)}`, { cause: error });
  }
}

function describeError(error: unknown): string {
  if (error instanceof ApiError) return `ApiError ${error.status} ${error.code}: ${error.message}`;
  if (error instanceof Error) return `${error.name}: ${error.message}`;
  return `throw of ${typeof error} ${String(error)}`;
}

export type Edit = { kind: "insert" | "delete" | "replace"; at: number; text: string };

/** One to `max` edits (insert, delete or replace one code point) with text drawn from `alphabet`. */
export function edits(alphabet: fc.Arbitrary<string>, max = 4): fc.Arbitrary<Edit[]> {
  const kind = fc.constantFrom("insert" as const, "delete" as const, "replace" as const);
  return fc.array(fc.record({ kind, at: fc.nat(), text: alphabet }), { minLength: 1, maxLength: max });
}

export function applyEdits(text: string, list: readonly Edit[]): string {
  const points = Array.from(text);
  for (const { kind, at, text: inserted } of list) {
    const i = at % (points.length + 1);
    if (kind === "insert") points.splice(i, 0, inserted);
    else if (i < points.length) points.splice(i, 1, ...(kind === "replace" ? [inserted] : []));
  }
  return points.join("");
}
