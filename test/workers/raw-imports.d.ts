// Vite's `?raw` imports (a file's text), as test/workers/rate-limit.test.ts reads wrangler.toml.
declare module "*?raw" {
  const text: string;
  export default text;
}
