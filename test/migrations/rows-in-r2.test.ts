// Migration 0004 (rows move to R2) on a database that 0003 left with scored rows and labels:
// each label keeps what the model had said for its row and which version said it, the rows'
// tables are gone, and the rollups table starts empty. SQLite (node:sqlite), D1's engine.
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { DatabaseSync } from "node:sqlite";
import { describe, expect, it } from "vitest";

const DIR = join(import.meta.dirname, "../../migrations");
const files = readdirSync(DIR)
  .filter((f) => f.endsWith(".sql"))
  .sort();

function apply(db: DatabaseSync, file: string): void {
  for (const statement of readFileSync(join(DIR, file), "utf8").split("--> statement-breakpoint")) {
    if (statement.trim()) db.exec(statement);
  }
}

describe("migration 0004: rows in R2", () => {
  it("keeps every label with its row's predicted class and model version, and drops the row tables", () => {
    const db = new DatabaseSync(":memory:");
    for (const file of files.filter((f) => f < "0004")) apply(db, file);
    const now = Date.now();
    db.exec(`INSERT INTO tenants (id, name, webhook_secret, created_at) VALUES ('ten_a', 'a', 's', ${now})`);
    db.exec(`INSERT INTO batches (id, tenant_id, status, rows, chunks, done, feature_count, body_hash, created_at)
      VALUES ('bat_1', 'ten_a', 'complete', 2, 1, 2, 4, '', ${now})`);
    db.exec(`INSERT INTO predictions (batch_id, row, features, label, margin, model_version, scored_at) VALUES
      ('bat_1', 0, '[1,2,3,4]', 1, 0.5, 'v7', ${now}), ('bat_1', 1, '[1,2,3,4]', 0, -0.5, 'v8', ${now})`);
    db.exec(`INSERT INTO feedback (batch_id, row, tenant_id, label, source, labelled_at, received_at) VALUES
      ('bat_1', 0, 'ten_a', 0, 'api', ${now}, ${now}), ('bat_1', 1, 'ten_a', 0, 'api', ${now}, ${now})`);
    apply(db, files.find((f) => f.startsWith("0004")) ?? "");
    expect(db.prepare("SELECT row, label, predicted, model_version FROM feedback ORDER BY row").all()).toEqual([
      { row: 0, label: 0, predicted: 1, model_version: "v7" },
      { row: 1, label: 0, predicted: 0, model_version: "v8" },
    ]);
    const tables = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").all().map((t) => t.name);
    expect(tables).toContain("rollups");
    expect(tables).not.toContain("predictions");
    expect(tables).not.toContain("batch_chunks");
    expect(db.prepare("SELECT redrives FROM batches").all()).toEqual([{ redrives: 0 }]);
  });
});
