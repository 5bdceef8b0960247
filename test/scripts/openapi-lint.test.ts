// The OpenAPI document, generated from the routes' own declarations, passes Redocly's recommended
// rules with no error and no warning (operationIds, security on every operation, 4xx responses,
// servers, a licence, resolvable references), so generators and tools take it as it is.
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect, it } from "vitest";
import { createApp } from "../../workers/http/app.ts";
import { openApiDocument } from "../../workers/http/openapi.ts";

const REDOCLY = join(process.cwd(), "node_modules", ".bin", "redocly");

it("passes Redocly's recommended lint with no errors or warnings", () => {
  const dir = mkdtempSync(join(tmpdir(), "openapi-lint-"));
  try {
    const file = join(dir, "openapi.json");
    type Operation = {
      operationId?: string;
      requestBody?: { content: Record<string, { example?: unknown; schema: { format?: string } }> };
    };
    const doc = openApiDocument(createApp()) as { paths: Record<string, Record<string, Operation>> };
    writeFileSync(file, JSON.stringify(doc));
    const operations = Object.values(doc.paths).flatMap((ops) => Object.values(ops));
    const ids = operations.map((op) => op.operationId);
    expect(ids.every((id) => typeof id === "string")).toBe(true);
    expect(new Set(ids).size).toBe(ids.length);
    // Every JSON body carries an example, shown in the reference and prefilled in its "try it".
    const bodies = operations.flatMap((op) => Object.entries(op.requestBody?.content ?? {}));
    const bare = bodies.filter(([, media]) => media.schema.format !== "binary" && media.example === undefined);
    expect(bodies.length).toBeGreaterThan(5);
    expect(bare).toEqual([]);
    // Exit code 0 means no errors; the summary line says whether warnings remain.
    const out = execFileSync(REDOCLY, ["lint", file, "--format=stylish"], {
      cwd: dir,
      encoding: "utf8",
      env: { ...process.env, REDOCLY_TELEMETRY: "off", REDOCLY_SUPPRESS_UPDATE_NOTICE: "true", NO_COLOR: "1" },
      stdio: ["ignore", "pipe", "pipe"],
    });
    expect(out).not.toMatch(/warning|error/i);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}, 60_000);
