// Feedback from the batch page: the labels a person chose, keyed by row, sent in one request.
import type { FeedbackAccepted } from "$contract/api.ts";
import type { Api } from "$lib/api.ts";

/** A row's chosen true label as the select holds it: "" is "not labelled". */
export type Choice = "" | "0" | "1";

export function chosenLabels(choices: Record<number, Choice>): { rows: number[]; labels: (0 | 1)[] } {
  const entries = Object.entries(choices)
    .filter(([, choice]) => choice !== "")
    .map(([row, choice]) => [Number(row), choice === "1" ? 1 : 0] as const)
    .sort((a, b) => a[0] - b[0]);
  return { rows: entries.map(([row]) => row), labels: entries.map(([, label]) => label) };
}

/** The labels saved before (GET …?feedback=1), as the selects hold them. */
export function savedChoices(predictions: readonly { row: number; feedback?: 0 | 1 | null }[]): Record<number, Choice> {
  const choices: Record<number, Choice> = {};
  for (const p of predictions) if (p.feedback === 0 || p.feedback === 1) choices[p.row] = p.feedback === 1 ? "1" : "0";
  return choices;
}

export async function saveFeedback(
  api: Api,
  batchId: string,
  choices: Record<number, Choice>,
): Promise<FeedbackAccepted> {
  const { rows, labels } = chosenLabels(choices);
  return api.sendFeedback(batchId, { rows, labels });
}
