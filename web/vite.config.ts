import { sveltekit } from "@sveltejs/kit/vite";
import { defineConfig } from "vite";

export default defineConfig({
  plugins: [sveltekit()],
  // `vite dev` proxies the API to `npm start`'s Worker, so the dashboard can be developed with HMR.
  server: { proxy: { "/v1": "http://127.0.0.1:8787" } },
});
