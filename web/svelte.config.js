// The dashboard is a static SPA (adapter-static) served by the Worker's assets, with the
// platform's SPA fallback; it talks to the same /v1 API as every other client.
import adapter from "@sveltejs/adapter-static";
import { vitePreprocess } from "@sveltejs/vite-plugin-svelte";

export default {
  preprocess: vitePreprocess(),
  kit: {
    adapter: adapter({ pages: "build", assets: "build", fallback: "index.html", strict: true }),
    // A Content-Security-Policy <meta> in every page, with the hash of SvelteKit's inline bootstrap
    // script added to script-src on each build (it changes with every build, so only the build can
    // name it). web/static/_headers sends the rest (frame-ancestors cannot be set by <meta>).
    csp: {
      mode: "hash",
      directives: {
        "default-src": ["self"],
        "script-src": ["self"],
        // Two style attributes, nothing else inline: SvelteKit's route announcer (it must stay
        // visually hidden) and the `display: contents` wrapper of src/app.html.
        "style-src": [
          "self",
          "unsafe-hashes",
          "sha256-S8qMpvofolR8Mpjy4kQvEm7m1q8clzU4dfDH0AmvZjo=",
          "sha256-tcbDxjMo+xKqM21aCGYbs/QAJqB7yUXC06oPWDapBgc=",
        ],
        "img-src": ["self"],
        "object-src": ["none"],
        "base-uri": ["self"],
        "form-action": ["self"],
      },
    },
    alias: {
      // The public /v1 contract: its types, and the zod-free values of keys.ts (scopes, key format).
      $contract: "../workers/contract",
      // The pure demo-data generator, for the "random sample" option of a new batch.
      $model: "../model",
      // The typed client of the API (client/index.ts): the dashboard calls the API through it.
      $client: "../client",
    },
    typescript: {
      // svelte-check reads the client's declarations (written by `npm run types:client`) rather
      // than its sources, which would pull the Worker's sources into a program typed for the
      // browser. They are typed from the Worker's routes, so a changed response schema still
      // fails the dashboard's check.
      config(config) {
        config.compilerOptions.paths.$client = ["../.generated/client-types/client"];
        config.compilerOptions.paths["$client/*"] = ["../.generated/client-types/client/*"];
      },
    },
  },
};
