// A failure that retrying cannot fix (the input itself is refused, a constraint says no). The
// queue consumer dead-letters such a message at once instead of retrying it for minutes, and
// the dead-letter consumer records the outcome (a failed batch, a failed callback).
export class PermanentError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "PermanentError";
  }
}

/** True for errors that will fail the same way on every attempt. */
export function isPermanent(error: unknown): boolean {
  if (error instanceof PermanentError) return true;
  // D1 reports SQLite constraint violations (NOT NULL, CHECK, types) in the message.
  return error instanceof Error && /SQLITE_CONSTRAINT|constraint failed|SQLITE_TOOBIG/i.test(error.message);
}
