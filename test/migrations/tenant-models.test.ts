// Migration 0002 (tenant-owned models) on a database that wave 1 filled: every model, training
// run and model audit entry moves to the tenant that created them (the seeded demo tenant), old
// artifacts keep their R2 keys, and the old base dataset is recorded on that tenant. Run on
// SQLite (node:sqlite), D1's engine, with the migration files exactly as D1 applies them.
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { DatabaseSync } from "node:sqlite";
import { describe, expect, it } from "vitest";

const DIR = join(import.meta.dirname, "../../migrations");

function apply(db: DatabaseSync, file: string): void {
  for (const statement of readFileSync(join(DIR, file), "utf8").split("--> statement-breakpoint")) {
    if (statement.trim()) db.exec(statement);
  }
}

const files = readdirSync(DIR).filter((f) => f.endsWith(".sql")).sort();
const before = files.filter((f) => f < "0002");
const tenancy = files.find((f) => f.startsWith("0002"));

function waveOneDatabase(): DatabaseSync {
  const db = new DatabaseSync(":memory:");
  for (const file of before) apply(db, file);
  const now = Date.now();
  db.exec(`INSERT INTO tenants (id, name, webhook_secret, created_at) VALUES
    ('ten_other', 'other', 's', ${now - 1000}), ('ten_demo', 'demo', 's', ${now})`);
  const model = (version: string, status: string) =>
    `('${version}', '${status}', NULL, 'models/${version}.json', 'sha256:x', '["a"]', 10, 'f', '{}', NULL, 'seed', ${now}, NULL)`;
  db.exec(`INSERT INTO models (version, status, parent_version, artifact_key, checksum, feature_names, training_rows,
    fingerprint, metrics, gate, source, created_at, activated_at) VALUES ${model("seed-1", "retired")}, ${model("v2", "champion")}`);
  db.exec(`INSERT INTO training_runs (id, trigger, status, started_at) VALUES ('run_1', 'cron', 'promoted', ${now})`);
  db.exec(`INSERT INTO audit_log (tenant_id, actor, action, subject, at) VALUES (NULL, 'retrain:cron', 'model.promoted', 'v2', ${now}),
    (NULL, 'queue', 'dead-letter', NULL, ${now})`);
  return db;
}

describe("migration 0002: tenant-owned models", () => {
  it("moves every model, run and model audit entry to the demo tenant, keeping artifact keys", () => {
    expect(tenancy).toBeDefined();
    const db = waveOneDatabase();
    apply(db, tenancy ?? "");
    expect(db.prepare("SELECT tenant_id, version, status, artifact_key FROM models ORDER BY version").all()).toEqual([
      { tenant_id: "ten_demo", version: "seed-1", status: "retired", artifact_key: "models/seed-1.json" },
      { tenant_id: "ten_demo", version: "v2", status: "champion", artifact_key: "models/v2.json" },
    ]);
    expect(db.prepare("SELECT tenant_id FROM training_runs").all()).toEqual([{ tenant_id: "ten_demo" }]);
    expect(db.prepare("SELECT action, tenant_id FROM audit_log ORDER BY id").all()).toEqual([
      { action: "model.promoted", tenant_id: "ten_demo" },
      { action: "dead-letter", tenant_id: null },
    ]);
    expect(db.prepare("SELECT id, base_dataset_key FROM tenants ORDER BY id").all()).toEqual([
      { id: "ten_demo", base_dataset_key: "datasets/base.csv" },
      { id: "ten_other", base_dataset_key: null },
    ]);
  });

  it("allows one champion per tenant, and the same version name in two tenants", () => {
    const db = waveOneDatabase();
    apply(db, tenancy ?? "");
    const insert = db.prepare(`INSERT INTO models (tenant_id, version, status, artifact_key, checksum, feature_names,
      training_rows, fingerprint, metrics, source, created_at) VALUES (?, ?, ?, 'k', 'c', '[]', 1, 'f', '{}', 'cli', 0)`);
    insert.run("ten_other", "v2", "champion");
    expect(() => insert.run("ten_other", "v3", "champion")).toThrow(/UNIQUE/);
    expect(() => insert.run("ten_other", "v2", "candidate")).toThrow(/UNIQUE/);
  });

  it("leaves an empty database empty", () => {
    const db = new DatabaseSync(":memory:");
    for (const file of files) apply(db, file);
    expect(db.prepare("SELECT count(*) AS n FROM models").get()).toEqual({ n: 0 });
  });
});
