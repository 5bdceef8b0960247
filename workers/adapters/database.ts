// The drizzle handle over the D1 binding; every D1 adapter takes one of these.
import { drizzle } from "drizzle-orm/d1";
import * as schema from "../db/schema.ts";

export type Database = ReturnType<typeof createDatabase>;

export function createDatabase(d1: D1Database) {
  return drizzle(d1, { schema });
}
