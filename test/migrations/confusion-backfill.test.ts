// Migration 0007 on a database whose labels were counted before the rollups kept confusion
// counts (0006 added the columns at 0): each hour's labelled positives and true positives are
// recounted from the labels themselves, so replacing an old label later cannot drive them below
// zero, and a confusion matrix over old labels is right. SQLite (node:sqlite), D1's engine.
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { DatabaseSync } from "node:sqlite";
import { describe, expect, it } from "vitest";

const DIR = join(import.meta.dirname, "../../migrations");
const files = readdirSync(DIR)
  .filter((f) => f.endsWith(".sql"))
  .sort();
const HOUR = 3_600_000;

function apply(db: DatabaseSync, file: string): void {
  for (const statement of readFileSync(join(DIR, file), "utf8").split("--> statement-breakpoint")) {
    if (statement.trim()) db.exec(statement);
  }
}

describe("migration 0007: confusion counts of earlier labels", () => {
  it("recounts labelled positives and true positives per hour and version from the labels", () => {
    const db = new DatabaseSync(":memory:");
    for (const file of files.filter((f) => f < "0007")) apply(db, file);
    const [h1, h2] = [100 * HOUR, 101 * HOUR];
    db.exec(`INSERT INTO tenants (id, name, webhook_secret, created_at) VALUES ('ten_a', 'a', 's', 0), ('ten_b', 'b', 's', 0)`);
    db.exec(`INSERT INTO batches (id, tenant_id, status, rows, chunks, done, feature_count, body_hash, created_at)
      VALUES ('bat_1', 'ten_a', 'complete', 4, 1, 4, 4, '', 0), ('bat_2', 'ten_b', 'complete', 1, 1, 1, 4, '', 0)`);
    // ten_a: hour 1, v1: (label 1, predicted 1), (1, 0), (0, 0); hour 2, v1: (1, 1). ten_b: (1, 1) in hour 1.
    db.exec(`INSERT INTO feedback (batch_id, row, tenant_id, label, predicted, model_version, source, labelled_at, received_at) VALUES
      ('bat_1', 0, 'ten_a', 1, 1, 'v1', 'api', ${h1 + 5}, 0), ('bat_1', 1, 'ten_a', 1, 0, 'v1', 'api', ${h1 + 9}, 0),
      ('bat_1', 2, 'ten_a', 0, 0, 'v1', 'api', ${h1 + 7}, 0), ('bat_1', 3, 'ten_a', 1, 1, 'v1', 'api', ${h2}, 0),
      ('bat_2', 0, 'ten_b', 1, 1, 'v1', 'api', ${h1}, 0)`);
    db.exec(`INSERT INTO rollups (tenant_id, hour, model_version, labelled, correct) VALUES
      ('ten_a', ${h1}, 'v1', 3, 2), ('ten_a', ${h2}, 'v1', 1, 1), ('ten_b', ${h1}, 'v1', 1, 1)`);
    apply(db, files.find((f) => f.startsWith("0007")) ?? "");
    const rows = db
      .prepare(
        "SELECT tenant_id, hour, labelled, correct, labelled_positives, true_positives FROM rollups ORDER BY tenant_id, hour",
      )
      .all();
    expect(rows).toEqual([
      { tenant_id: "ten_a", hour: h1, labelled: 3, correct: 2, labelled_positives: 2, true_positives: 1 },
      { tenant_id: "ten_a", hour: h2, labelled: 1, correct: 1, labelled_positives: 1, true_positives: 1 },
      { tenant_id: "ten_b", hour: h1, labelled: 1, correct: 1, labelled_positives: 1, true_positives: 1 },
    ]);
  });
});
