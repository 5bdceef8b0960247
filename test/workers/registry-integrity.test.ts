// The registry cannot be corrupted: names are claimed before anything is stored, artifacts are
// written only if absent and checked against the registry's checksum when loaded, activation
// and its audit entry are one transaction, outages are 503s, and every run ends recorded.
import { createExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { sealArtifact, type Artifact } from "../../model/index.ts";
import { createApp } from "../../workers/http/app.ts";
import { resetServingCache } from "../../workers/services/serving-model.ts";
import { artifactKey } from "../../workers/adapters/model-registry.ts";
import { adapters, api, createTenantKey, ensureModel, saveRawModel } from "./helpers.ts";

interface ErrorBody {
  error: { code: string; message: string };
}

let admin = "";
let tenantId = "";
beforeAll(async () => {
  await ensureModel();
  ({ key: admin, tenantId } = await createTenantKey());
});

async function seedArtifact(): Promise<Artifact> {
  const seed = await adapters().models.findModel(tenantId, "seed-1");
  return JSON.parse((seed && (await adapters().models.readArtifact(seed))) ?? "{}") as Artifact;
}

async function publish(version: string, activate = false) {
  const { checksum: _, ...body } = await seedArtifact();
  const artifact = await sealArtifact({ ...body, version, createdAt: new Date().toISOString() });
  const response = await api("/v1/models", {
    method: "POST",
    key: admin,
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ artifact, activate }),
  });
  expect(response.status).toBe(201);
  return artifact;
}

const championVersion = async () => (await adapters().models.findChampion(tenantId))?.version;

describe("version names", () => {
  it("never overwrites a published model that took the next retrain's name", async () => {
    // The name a count-based namer would give the next retrain (count + 1 once this is published).
    const count =
      (
        await env.DB.prepare("SELECT count(*) AS n FROM models WHERE tenant_id = ?")
          .bind(tenantId)
          .first<{ n: number }>()
      )?.n ?? 0;
    const next = `v${count + 2}`;
    const published = await publish(next);
    const before = await championVersion();
    const response = await api("/v1/models/retrain", {
      method: "POST",
      key: admin,
      headers: { "content-type": "application/json" },
      body: '{"force":true}',
    });
    const outcome = await response.json<{ status: string; challengerVersion?: string; reason?: string }>();
    expect(outcome.status, outcome.reason).not.toBe("failed");
    expect(outcome.challengerVersion).not.toBe(next);
    const record = await adapters().models.findModel(tenantId, next);
    expect(record?.checksum).toBe(published.checksum);
    const stored = JSON.parse((await (await env.BUCKET.get(record?.artifactKey ?? ""))?.text()) ?? "{}") as Artifact;
    expect(stored.checksum).toBe(published.checksum);
    // A second run also succeeds: the name clash cannot wedge retraining.
    const again = await api("/v1/models/retrain", {
      method: "POST",
      key: admin,
      headers: { "content-type": "application/json" },
      body: '{"force":true}',
    });
    expect((await again.json<{ status: string }>()).status).not.toBe("failed");
    if (before && (await championVersion()) !== before) {
      await api(`/v1/models/${before}/activate`, { method: "POST", key: admin });
    }
  });

  it("writes an artifact to R2 only if absent: an object already there is kept and the name refused", async () => {
    const version = `stray-${Date.now()}`;
    const key = artifactKey(tenantId, version);
    await env.BUCKET.put(key, "not ours");
    const { checksum: _, ...body } = await seedArtifact();
    const artifact = await sealArtifact({ ...body, version });
    const saved = await saveRawModel(
      tenantId,
      version,
      artifact.checksum,
      artifact.featureNames,
      JSON.stringify(artifact),
    );
    expect(saved).toBeNull();
    expect(await (await env.BUCKET.get(key))?.text()).toBe("not ours");
    expect(await adapters().models.findModel(tenantId, version)).toBeNull();
  });
});

describe("loading and activating", () => {
  it("refuses an artifact whose checksum differs from the registry's", async () => {
    const version = `swap-${Date.now()}`;
    await publish(version);
    await env.DB.prepare("UPDATE models SET checksum = ? WHERE version = ? AND tenant_id = ?")
      .bind(`sha256:${"0".repeat(64)}`, version, tenantId)
      .run();
    resetServingCache();
    const read = await api(`/v1/models/${version}`, { key: admin });
    expect(read.status).toBe(422);
    expect((await read.json<ErrorBody>()).error.message).toMatch(/registry/);
    const activated = await api(`/v1/models/${version}/activate`, { method: "POST", key: admin });
    expect(activated.status).toBe(422);
  });

  it("answers 503 without internals when model storage is down", async () => {
    const version = `outage-${Date.now()}`;
    await publish(version);
    resetServingCache();
    const down = () => {
      throw new Error("R2 internal: connection reset by peer at 10.0.0.7");
    };
    const broken = {
      ...env,
      KV: { get: down, put: down } as unknown as KVNamespace,
      BUCKET: { get: down, head: down, put: down } as unknown as R2Bucket,
    };
    const response = await createApp().fetch(
      new Request(`http://edge-svm.test/v1/models/${version}`, { headers: { authorization: `Bearer ${admin}` } }),
      broken,
      createExecutionContext(),
    );
    expect(response.status).toBe(503);
    const { error } = await response.json<ErrorBody>();
    expect(error.code).toBe("STORAGE_UNAVAILABLE");
    expect(error.message).not.toMatch(/10\.0\.0\.7|R2 internal/);
  });

  it("writes the activation's audit entry in the same transaction: none when the move fails", async () => {
    const version = `audit-${Date.now()}`;
    await publish(version);
    const before = await championVersion();
    const failing = new Proxy(env.DB, {
      get(target, prop) {
        if (prop === "batch") return () => Promise.reject(new Error("D1_ERROR: database is locked"));
        const value = Reflect.get(target, prop, target);
        return typeof value === "function" ? value.bind(target) : value;
      },
    });
    const response = await createApp().fetch(
      new Request(`http://edge-svm.test/v1/models/${version}/activate`, {
        method: "POST",
        headers: { authorization: `Bearer ${admin}` },
      }),
      { ...env, DB: failing },
      createExecutionContext(),
    );
    expect(response.status).toBeGreaterThanOrEqual(500);
    const audits = await env.DB.prepare(
      "SELECT count(*) AS n FROM audit_log WHERE action = 'model.activated' AND subject = ?",
    )
      .bind(version)
      .first<{ n: number }>();
    expect(audits?.n).toBe(0);
    expect(await championVersion()).toBe(before);

    const ok = await api(`/v1/models/${version}/activate`, { method: "POST", key: admin });
    expect(ok.status).toBe(200);
    const after = await env.DB.prepare("SELECT detail FROM audit_log WHERE action = 'model.activated' AND subject = ?")
      .bind(version)
      .all<{ detail: string }>();
    expect(after.results.map((r) => JSON.parse(r.detail))).toEqual([{ previous: before ?? null }]);
    if (before) await api(`/v1/models/${before}/activate`, { method: "POST", key: admin });
  });
});

describe("training runs", () => {
  it("shows a long run that still holds its lease as running, however long ago it started", async () => {
    const id = `run_long${Date.now()}`;
    await env.DB.prepare(
      "INSERT INTO training_runs (id, tenant_id, trigger, status, started_at) VALUES (?, ?, 'cron', 'running', ?)",
    )
      .bind(id, tenantId, Date.now() - 3 * 60 * 60 * 1000)
      .run();
    // Its latest step renewed the lease a moment ago.
    await env.DB.prepare("INSERT OR REPLACE INTO locks (name, holder, expires_at) VALUES (?, ?, ?)")
      .bind(`retrain:${tenantId}`, id, Date.now() + 60_000)
      .run();
    try {
      const metrics = await (
        await api("/v1/metrics", { key: admin })
      ).json<{ runs: { runId: string; status: string }[] }>();
      expect(metrics.runs.find((r) => r.runId === id)?.status).toBe("running");
    } finally {
      await env.DB.prepare("DELETE FROM locks WHERE name = ?").bind(`retrain:${tenantId}`).run();
      await env.DB.prepare("UPDATE training_runs SET status = 'failed', reason = 'test' WHERE id = ?").bind(id).run();
    }
  });

  it("shows a run that died mid-way as expired, and the next run records it as failed", async () => {
    const id = `run_dead${Date.now()}`;
    await env.DB.prepare(
      "INSERT INTO training_runs (id, tenant_id, trigger, status, started_at) VALUES (?, ?, 'cron', 'running', ?)",
    )
      .bind(id, tenantId, Date.now() - 11 * 60 * 1000)
      .run();
    const metrics = await (
      await api("/v1/metrics", { key: admin })
    ).json<{
      runs: { runId: string; status: string; reason: string | null }[];
    }>();
    expect(metrics.runs.find((r) => r.runId === id)).toMatchObject({
      status: "expired",
      reason: expect.stringMatching(/lease expired/),
    });

    await api("/v1/models/retrain", {
      method: "POST",
      key: admin,
      headers: { "content-type": "application/json" },
      body: "{}",
    });
    const row = await env.DB.prepare("SELECT status, reason, finished_at AS finishedAt FROM training_runs WHERE id = ?")
      .bind(id)
      .first<{ status: string; reason: string; finishedAt: number | null }>();
    expect(row).toMatchObject({ status: "failed", reason: expect.stringMatching(/without recording an outcome/) });
    expect(row?.finishedAt).toBeGreaterThan(0);
  });
});
