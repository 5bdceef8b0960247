// One lint config for the Worker, the model, scripts, tests and the Svelte dashboard.
import svelte from "eslint-plugin-svelte";
import globals from "globals";
import ts from "typescript-eslint";

export default ts.config(
  {
    ignores: [
      "node_modules/",
      "web/build/",
      "web/.svelte-kit/",
      "web/.generated/",
      ".wrangler/",
      "worker-configuration.d.ts",
      "migrations/",
    ],
  },
  ...ts.configs.recommended,
  ...svelte.configs.recommended,
  {
    languageOptions: { globals: { ...globals.browser, ...globals.node } },
    rules: {
      "@typescript-eslint/no-explicit-any": "error",
      "@typescript-eslint/no-non-null-assertion": "error",
      "@typescript-eslint/consistent-type-imports": ["error", { fixStyle: "inline-type-imports" }],
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
    },
  },
  {
    files: ["**/*.svelte", "**/*.svelte.ts"],
    languageOptions: { parserOptions: { parser: ts.parser, extraFileExtensions: [".svelte"] } },
  },
  {
    // The pure core must not reach for Cloudflare, Hono, drizzle or Node.
    files: ["model/**/*.ts", "workers/contract/**/*.ts", "workers/codecs/**/*.ts"],
    rules: {
      "no-restricted-imports": [
        "error",
        { patterns: ["cloudflare:*", "hono", "hono/*", "drizzle-orm", "drizzle-orm/*", "node:*", "wrangler"] },
      ],
    },
  },
  {
    // Flows and handlers go through adapters: only workers/adapters/ touches drizzle and the schema.
    files: ["workers/services/**/*.ts", "workers/http/**/*.ts", "workers/consumers/**/*.ts", "workers/jobs/**/*.ts"],
    rules: {
      "no-restricted-imports": [
        "error",
        { patterns: ["drizzle-orm", "drizzle-orm/*", "**/db/schema.ts", "**/adapters/database.ts"] },
      ],
    },
  },
);
