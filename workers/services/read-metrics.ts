// Flow 7: live accuracy per model version (predictions joined to the labels people sent),
// volumes and latency, drift of recent traffic against the champion's training deciles,
// and the latest training runs. Tenant-scoped, except the runs, which are global.
import { sql } from "drizzle-orm";
import { computePsi, DRIFT_THRESHOLD } from "../../model/index.ts";
import type { MetricsResponse } from "../contract/api.ts";
import type { Adapters } from "../adapters/index.ts";
import { loadChampion } from "./serving-model.ts";
import { toTrainingRun } from "./model-views.ts";
import { RETRAIN_LEASE_MS } from "./retrain-model.ts";

const DAY = 24 * 60 * 60 * 1000;
const DRIFT_SAMPLE = 1000;

export async function readMetrics(adapters: Adapters, tenantId: string, now = Date.now()): Promise<MetricsResponse> {
  const { db } = adapters;
  const [live, byDay, volume, latencies, recent, runs, champion] = await Promise.all([
    db.all<{ modelVersion: string; labelled: number; correct: number }>(
      sql`SELECT p.model_version AS modelVersion, count(*) AS labelled, sum(p.label = f.label) AS correct
       FROM feedback f JOIN predictions p ON p.batch_id = f.batch_id AND p.row = f.row
       WHERE f.tenant_id = ${tenantId} GROUP BY p.model_version ORDER BY min(p.scored_at)`,
    ),
    db.all<{ day: string; labelled: number; correct: number }>(
      sql`SELECT date(f.received_at / 1000, 'unixepoch') AS day, count(*) AS labelled, sum(p.label = f.label) AS correct
       FROM feedback f JOIN predictions p ON p.batch_id = f.batch_id AND p.row = f.row
       WHERE f.tenant_id = ${tenantId} AND f.received_at > ${now - 30 * DAY} GROUP BY day ORDER BY day`,
    ),
    db.all<{ batches: number; rows: number; feedback: number }>(
      sql`SELECT (SELECT count(*) FROM batches WHERE tenant_id = ${tenantId} AND created_at > ${now - DAY}) AS batches,
              (SELECT coalesce(sum(rows), 0) FROM batches WHERE tenant_id = ${tenantId} AND created_at > ${now - DAY}) AS rows,
              (SELECT count(*) FROM feedback WHERE tenant_id = ${tenantId} AND received_at > ${now - DAY}) AS feedback`,
    ),
    db.all<{ ms: number }>(
      sql`SELECT completed_at - created_at AS ms FROM batches
       WHERE tenant_id = ${tenantId} AND status = 'complete' ORDER BY created_at DESC LIMIT 200`,
    ),
    db.all<{ features: string }>(
      sql`SELECT p.features AS features FROM predictions p JOIN batches b ON b.id = p.batch_id
       WHERE b.tenant_id = ${tenantId} ORDER BY p.scored_at DESC LIMIT ${DRIFT_SAMPLE}`,
    ),
    adapters.runs.listRuns(tenantId, 20),
    loadChampion(adapters.models, tenantId),
  ]);
  const sorted = latencies.map((l) => l.ms).sort((a, b) => a - b);
  return {
    champion: champion?.version ?? null,
    liveAccuracy: live.map((r) => ({
      ...r,
      correct: r.correct ?? 0,
      accuracy: r.labelled ? (r.correct ?? 0) / r.labelled : null,
    })),
    accuracyByDay: byDay.map((r) => ({ ...r, correct: r.correct ?? 0 })),
    volume: {
      batches24h: volume[0]?.batches ?? 0,
      rows24h: volume[0]?.rows ?? 0,
      feedback24h: volume[0]?.feedback ?? 0,
      latencyMsP50: percentile(sorted, 0.5),
      latencyMsP95: percentile(sorted, 0.95),
    },
    drift: driftOf(champion?.artifact ?? null, recent),
    runs: runs.map((run) => toTrainingRun(run, RETRAIN_LEASE_MS, now)),
  };
}

function driftOf(
  artifact: { version: string; featureNames: string[]; training: { featureStats: { deciles: number[] }[] } } | null,
  recent: { features: string }[],
): MetricsResponse["drift"] {
  if (!artifact) return { modelVersion: null, rows: 0, features: [] };
  const d = artifact.featureNames.length;
  const rows = recent.map((r) => JSON.parse(r.features) as number[]).filter((row) => row.length === d);
  return {
    modelVersion: artifact.version,
    rows: rows.length,
    features: artifact.featureNames.map((name, j) => {
      const psi = computePsi(
        artifact.training.featureStats[j].deciles,
        rows.map((row) => row[j]),
      );
      return { name, psi, drifting: rows.length >= 100 && psi > DRIFT_THRESHOLD };
    }),
  };
}

function percentile(sorted: number[], q: number): number | null {
  if (sorted.length === 0) return null;
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
}
