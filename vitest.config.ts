// Three test projects: pure code in Node, Worker code inside workerd (the same runtime as
// `wrangler dev` and production), and the dashboard in a real Chromium against a real Worker.
import { cloudflareTest, readD1Migrations } from "@cloudflare/vitest-plugin";
import { defineConfig } from "vitest/config";
import { RATE_LIMITS } from "./workers/contract/limits.ts";

const TEST_SECRETS_KEY = "dGVzdC1vbmx5LXdlYmhvb2stc2VjcmV0cy1rZXktMzI=";

// Per-key rate limits in the workers pool: the tests send hundreds of calls with one key, so the
// wrangler.toml bindings are lifted here, and test/workers/rate-limit.test.ts runs the Worker on
// DEPLOYED_RATE_LIMIT_* bindings with the deployed numbers (RATE_LIMITS, held equal to wrangler.toml).
const TEST_RATE_LIMITS = Object.fromEntries(
  Object.entries(RATE_LIMITS).flatMap(([scope, { limit, periodSeconds: period }], i) => [
    [`RATE_LIMIT_${scope.toUpperCase()}`, { namespace_id: String(8001 + i), simple: { limit: 1_000_000, period } }],
    [`DEPLOYED_RATE_LIMIT_${scope.toUpperCase()}`, { namespace_id: String(9001 + i), simple: { limit, period } }],
  ]),
);

export default defineConfig(async () => {
  const migrations = await readD1Migrations("./migrations");
  return {
    test: {
      projects: [
        {
          // One tsconfig for every file, so web modules under test do not need web/.svelte-kit
          // (made by `svelte-kit sync`) to exist.
          tsconfig: "./tsconfig.json",
          test: {
            name: "node",
            include: [
              "test/model/**/*.test.ts",
              "test/scripts/**/*.test.ts",
              "test/web-unit/**/*.test.ts",
              "test/properties/**/*.test.ts",
              "test/migrations/**/*.test.ts",
            ],
            environment: "node",
          },
        },
        {
          plugins: [
            cloudflareTest({
              wrangler: { configPath: "./wrangler.toml" },
              // A test-only key for the WEBHOOK_SECRETS_KEY Worker secret (never used outside tests).
              // Small retrain pieces, so every retrain of the 1,500-row demo data in the tests spans
              // two partitions and two training steps per pass, as a large tenant's spans many.
              miniflare: {
                bindings: {
                  TEST_MIGRATIONS: migrations,
                  WEBHOOK_SECRETS_KEY: TEST_SECRETS_KEY,
                  RETRAIN_PARTITION_ROWS: "800",
                  RETRAIN_ROWS_PER_STEP: "700",
                },
                ratelimits: TEST_RATE_LIMITS,
              },
            }),
          ],
          test: {
            name: "workers",
            include: ["test/workers/**/*.test.ts"],
            // A retrain through the API is a Workflow of a few dozen checkpointed steps: seconds
            // on a busy 2-core machine, where 5 s was the default.
            testTimeout: 20_000,
            setupFiles: ["./test/workers/apply-migrations.ts"],
          },
        },
        {
          // The whole system through `npm start`'s script: crash and restart.
          test: {
            name: "system",
            include: ["test/system/**/*.test.ts"],
            environment: "node",
            testTimeout: 240_000,
            hookTimeout: 180_000,
            fileParallelism: false,
          },
        },
        {
          test: {
            name: "browser",
            include: ["test/web/**/*.test.ts"],
            environment: "node",
            testTimeout: 120_000,
            hookTimeout: 180_000,
            fileParallelism: false,
          },
        },
      ],
    },
  };
});
