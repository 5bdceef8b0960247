// The query strings of the batch reads, part of the /v1 contract (re-exported by api.ts): the
// batches list's filters, the flags of a batch read, and the filters as the batch store applies
// them. The batch states live here because the list filters on them.
import { z } from "zod";
import { VersionSchema } from "../../model/index.ts";
import { LIMITS } from "./limits.ts";

export const BatchStatus = z.enum(["pending", "complete", "failed"]);
export type BatchStatus = z.infer<typeof BatchStatus>;

const IsoDate = z.iso.date();
const IsoDateTime = z.iso.datetime({ offset: true });
/** "2026-01-31", or a date-time with its zone ("2026-01-31T12:00:00Z", "…+02:00"). */
const DateOrTime = z
  .string()
  .max(40)
  .refine(
    (text) => IsoDate.safeParse(text).success || IsoDateTime.safeParse(text).success,
    "expected an ISO date (2026-01-31) or a date-time with its zone (2026-01-31T12:00:00Z)",
  );

export const ListQuery = z.object({
  limit: z.coerce.number().int().min(1).max(LIMITS.maxPageSize).default(20),
  cursor: z
    .string()
    .max(1000)
    .optional()
    .meta({ description: "nextCursor of the previous page; it carries that page's filters, which may be left out." }),
  status: BatchStatus.optional().meta({ description: "Only batches in this state." }),
  source: z
    .string()
    .min(1)
    .max(40)
    // Rows logged by /v1/predict are never listed: asking for them could only walk the whole list.
    .refine((source) => source !== "predict", "rows logged by /v1/predict are not listed as batches")
    .optional()
    .meta({
      description: 'Only batches from this source ("api", "dashboard"; /v1/predict\'s logged rows are not listed).',
    }),
  from: DateOrTime.optional().meta({
    description:
      "Only batches created at or after this ISO date or date-time (with its zone); a date means its start (UTC).",
    example: "2026-01-01",
  }),
  to: DateOrTime.optional().meta({
    description:
      "Only batches created at or before this ISO date or date-time (with its zone); a date means its end (UTC).",
    example: "2026-01-31",
  }),
  modelVersion: VersionSchema.optional().meta({
    description: "Only batches whose rows were mostly scored by this model version.",
  }),
});
export type ListQuery = z.infer<typeof ListQuery>;

/**
 * ListQuery's filters as the batch store applies them, times as inclusive epoch milliseconds.
 * A page's cursor carries them, so the next page lists the same batches.
 */
export const BatchFilter = z.strictObject({
  status: BatchStatus.optional(),
  source: z.string().min(1).max(40).optional(),
  from: z.number().int().optional(),
  to: z.number().int().optional(),
  modelVersion: VersionSchema.optional(),
});
export type BatchFilter = z.infer<typeof BatchFilter>;

const Flag = z.enum(["0", "1", "true", "false"]);

/** GET /v1/batches/{id}: what to add to the predictions. */
export const BatchReadQuery = z.object({
  explain: Flag.optional().meta({ description: "1: each prediction's per-feature contributions." }),
  feedback: Flag.optional().meta({
    description: "1: each prediction's latest saved true label (`feedback`), read from the labels at request time.",
  }),
});
