// The dashboard is a static SPA (adapter-static) served by the Worker's assets, with the
// platform's SPA fallback; it talks to the same /v1 API as every other client.
import adapter from "@sveltejs/adapter-static";
import { vitePreprocess } from "@sveltejs/vite-plugin-svelte";

export default {
  preprocess: vitePreprocess(),
  kit: {
    adapter: adapter({ pages: "build", assets: "build", fallback: "index.html", strict: true }),
    alias: {
      // Types of the public /v1 contract (import type only: no server code in the bundle).
      $contract: "../workers/contract",
      // The pure demo-data generator, for the "random sample" option of a new batch.
      $model: "../model",
    },
  },
};
