// How a live accuracy is said: the share right, its sample size and a 95% Wilson interval, with
// a caveat while the labels are too few to judge by (one wrong label is not "0% accurate").
// Relative imports only, so Node tests can load this file.
import { wilsonInterval, type Interval } from "../../../model/interval.ts";
import { formatCount, formatPercent } from "./format.ts";

/** Below this many labelled rows an accuracy is shown, but flagged as too few to judge by. */
export const FEW_LABELS = 30;

export interface LiveAccuracy {
  value: number | null;
  interval: Interval | null;
  labelled: number;
  /** "2 labelled rows, 95% interval 34.2–100.0%" */
  basis: string;
  /** Set while the sample is too small to judge the model by. */
  caveat: string | null;
}

export function describeLive(correct: number, labelled: number): LiveAccuracy {
  const interval = wilsonInterval(correct, labelled);
  const rows = formatCount(labelled, "labelled row");
  return {
    value: labelled ? correct / labelled : null,
    interval,
    labelled,
    basis: interval ? `${rows}, 95% interval ${formatPercent(interval.low)}–${formatPercent(interval.high)}` : rows,
    caveat:
      labelled > 0 && labelled < FEW_LABELS
        ? `Only ${rows} so far: too few to judge the model by (${FEW_LABELS} or more make the interval useful).`
        : null,
  };
}
