// Path parameters, validated before they reach a store: a malformed id is a 400 naming the
// rule, never a 500 from a key too long for KV or a query that cannot match.
import type { Context } from "hono";
import { z } from "zod";
import { VersionSchema } from "../../model/index.ts";
import { BatchId } from "../contract/api.ts";
import { parseRequest } from "../services/parse-request.ts";
import type { AppEnv } from "./app-env.ts";

const BatchParam = z.object({ id: BatchId });
const VersionParam = z.object({ version: VersionSchema });

export const batchIdParam = (c: Context<AppEnv>): string => parseRequest(BatchParam, { id: c.req.param("id") }).id;

export const versionParam = (c: Context<AppEnv>): string =>
  parseRequest(VersionParam, { version: c.req.param("version") }).version;
