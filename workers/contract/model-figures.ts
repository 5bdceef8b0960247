// The figures a registry row keeps about its version: the promotion gate's decision (written by
// the retrain that trained it) and the evaluation it was trained with. Declared once here: the
// retrain builds its gate as this type, the registry views read stored rows back through these
// schemas, and the dashboard shows the typed fields. Re-exported by models.ts.
import { z } from "zod";
import { CalibrationSchema, EvaluationSchema } from "../../model/index.ts";

const accuracy = z.number().min(0).max(1);

/**
 * What the gate decided for a retrain's challenger (model/promotion-gate.ts), with the figures it
 * decided on. Every gate stored since the column was first written has all of these fields, so
 * none is optional; a stored record that does not read as this is shown as no gate (null).
 */
export const PromotionGate = z
  .object({
    decision: z.enum(["promoted", "rejected"]),
    reason: z.string(),
    holdoutRows: z.number().int().meta({ description: "Rows of the run's holdout every model was judged on" }),
    holdoutBaseRows: z.number().int().meta({ description: "Holdout rows from the curated base dataset" }),
    championVersion: z
      .string()
      .nullable()
      .meta({ description: "The champion the challenger was measured against (null: there was none to compare)" }),
    championAccuracy: accuracy.nullable(),
    championBaseAccuracy: accuracy
      .nullable()
      .meta({ description: "The champion's accuracy on the base rows (null without a champion or base rows)" }),
    challengerAccuracy: accuracy,
    challengerBaseAccuracy: accuracy
      .nullable()
      .meta({ description: "The challenger's accuracy on the base rows (null without base rows)" }),
    maxDrop: z.number().meta({
      description: "How far below the champion's accuracy (on all rows and on base rows) a challenger may be promoted",
    }),
    floor: z.number().meta({ description: "The accuracy a challenger must reach to be promoted at all" }),
  })
  .meta({
    id: "PromotionGate",
    description:
      "The promotion gate's decision on a retrained version: its reason, and the holdout accuracies of challenger and champion it compared",
  });
export type PromotionGate = z.infer<typeof PromotionGate>;

/** A version's evaluation when trained, and the calibration of its probabilities when it has one. */
export const ModelMetrics = EvaluationSchema.extend({
  calibration: CalibrationSchema.optional().meta({
    description:
      "Platt scaling of the margins with log-loss, Brier score and reliability bins (absent for a version trained before probabilities were calibrated)",
  }),
}).meta({
  id: "ModelMetrics",
  description:
    "How the version did when trained, measured on rows of its own (k-fold, or its retrain's holdout: measuredOn), so two versions' figures do not compare",
});
export type ModelMetrics = z.infer<typeof ModelMetrics>;
