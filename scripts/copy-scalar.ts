// Copies Scalar's prebuilt browser bundle (@scalar/api-reference, a devDependency) into the
// Worker's static assets, web/build/scalar/standalone.js, so the /v1/docs page loads it from this
// deployment and from no CDN (workers/http/routes/reference.ts). Run by `npm run build:web` after
// `vite build` (which empties web/build), so `npm start`, `npm test` and `npm run deploy`, which
// all build the dashboard first, ship it; web/build is ignored by git, so the copy never is.
// The single-file UMD bundle rather than the code-split ESM build: one file with no chunks, so a
// deploy can never leave a cached page asking for chunk names that no longer exist.
import { copyFileSync, mkdirSync, statSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
// The package's main entry is dist/index.js; the browser bundle sits beside it in dist/browser/.
const source = fileURLToPath(new URL("./browser/standalone.js", import.meta.resolve("@scalar/api-reference")));
const target = join(root, "web/build/scalar/standalone.js");

mkdirSync(dirname(target), { recursive: true });
copyFileSync(source, target);
console.log(`Scalar's bundle → ${target} (${(statSync(target).size / 1e6).toFixed(2)} MB)`);
