import { sveltekit } from "@sveltejs/kit/vite";
import { defineConfig } from "vite";

export default defineConfig({
  plugins: [sveltekit()],
  server: {
    // `vite dev` proxies the API to `npm start`'s Worker, so the dashboard can be developed with HMR.
    proxy: { "/v1": "http://127.0.0.1:8787" },
    // The pure modules the dashboard shares with the Worker ($contract, $model in svelte.config.js).
    fs: { allow: ["../workers/contract", "../model"] },
  },
});
