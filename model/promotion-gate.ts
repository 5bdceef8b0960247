// The promotion gate: a challenger replaces the champion only if it is not worse by more
// than `maxDrop` on the whole holdout AND on the trusted part of it (rows of the curated
// base dataset), and clears an absolute floor. The second check is what stops poisoned
// feedback: labels that poison the training set also poison the holdout they are split
// into, but they cannot move accuracy on the base rows in the challenger's favour.
export interface HoldoutAccuracy {
  /** Accuracy on every holdout row (base and feedback). */
  all: number;
  /** Accuracy on the holdout rows that come from the base dataset; null when there are none. */
  base: number | null;
}

export interface GateInput {
  champion: HoldoutAccuracy | null;
  challenger: HoldoutAccuracy;
  maxDrop: number;
  floor: number;
}

export interface GateDecision {
  promote: boolean;
  reason: string;
}

export function decidePromotion({ champion, challenger, maxDrop, floor }: GateInput): GateDecision {
  const pct = (x: number) => `${(100 * x).toFixed(2)}%`;
  if (challenger.all < floor) {
    return { promote: false, reason: `challenger accuracy ${pct(challenger.all)} is below the floor ${pct(floor)}` };
  }
  if (!champion) return { promote: true, reason: "no champion to compare with; the challenger clears the floor" };
  if (challenger.all < champion.all - maxDrop) {
    return {
      promote: false,
      reason: `challenger ${pct(challenger.all)} is worse than champion ${pct(champion.all)} on the holdout by more than ${pct(maxDrop)}`,
    };
  }
  if (challenger.base !== null && champion.base !== null && challenger.base < champion.base - maxDrop) {
    return {
      promote: false,
      reason: `challenger ${pct(challenger.base)} is worse than champion ${pct(champion.base)} on the trusted base rows by more than ${pct(maxDrop)}`,
    };
  }
  return {
    promote: true,
    reason: `challenger ${pct(challenger.all)} vs champion ${pct(champion.all)} on the holdout (base rows: ${
      challenger.base === null ? "n/a" : pct(challenger.base)
    } vs ${champion.base === null ? "n/a" : pct(champion.base)})`,
  };
}
