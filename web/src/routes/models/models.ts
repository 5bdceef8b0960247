// Wording and ordering for the models pages, kept out of the markup.
import type { ModelSummary, RetrainResponse } from "$contract/api.ts";

/** Newest first: the version people look for after a retrain is at the top. */
export function newestFirst(models: ModelSummary[]): ModelSummary[] {
  return [...models].sort((a, b) => Date.parse(b.createdAt) - Date.parse(a.createdAt));
}

/**
 * The versions a comparison starts from: the champion and the newest other version, older
 * first, so the "change" column reads as what the newer one did.
 */
export function defaultPair(models: ModelSummary[]): [string | undefined, string | undefined] {
  const newest = newestFirst(models);
  const champion = newest.find((model) => model.champion) ?? newest[0];
  const other = newest.find((model) => model !== champion) ?? champion;
  const pair = [champion, other].filter((model) => model !== undefined);
  pair.sort((x, y) => Date.parse(x.createdAt) - Date.parse(y.createdAt));
  return [pair[0]?.version, pair[1]?.version];
}

/**
 * "Roll back to" only a version that was the champion before (it has an activation time) and is
 * older than today's; a version that never served is promoted, not rolled back to.
 */
export function activateVerb(
  model: Pick<ModelSummary, "createdAt" | "activatedAt">,
  champion: Pick<ModelSummary, "createdAt"> | null,
): string {
  if (model.activatedAt === null) return "Promote";
  return champion && Date.parse(model.createdAt) < Date.parse(champion.createdAt) ? "Roll back to" : "Activate";
}

export function describeRetrain(result: RetrainResponse): { tone: "ok" | "warn" | "bad" | ""; text: string } {
  const version = result.challengerVersion ?? "the challenger";
  const why = result.reason ? ` Gate: ${result.reason}.` : "";
  switch (result.status) {
    case "promoted":
      return { tone: "ok", text: `Promoted ${version}, which is the champion now.${why}` };
    case "rejected":
      return { tone: "warn", text: `Trained ${version}, but it was not promoted; the champion stays.${why}` };
    case "skipped":
      return { tone: "", text: `Nothing was trained: ${result.reason ?? "no reason given"}.` };
    case "failed":
      return { tone: "bad", text: `Retraining failed: ${result.reason ?? "no reason given"}.` };
    case "running":
      return {
        tone: "",
        text: `Retraining is still running (run ${result.runId}); its outcome will show under Training runs.`,
      };
  }
}
