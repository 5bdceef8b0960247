// `npm start` runs this after the migrations: seeds a working system and prints how to use it.
// The local admin key is kept in <state>/dev-admin-key so every start can show it
// (<state> is .wrangler/state, or EDGE_SVM_STATE_DIR).
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { DEMO_TENANT, seedDemo } from "../workers/services/seed-demo.ts";
import { STATE_DIR, withLocalAdapters } from "./local-platform.ts";
import { SCOPES } from "../workers/contract/keys.ts";

const KEY_FILE = `${STATE_DIR}/dev-admin-key`;
const URL = "http://127.0.0.1:8787";

const { modelVersion, created, key } = await withLocalAdapters(async (adapters) => {
  const seeded = await seedDemo(adapters);
  let key = existsSync(KEY_FILE) ? readFileSync(KEY_FILE, "utf8").trim() : "";
  if (!key || !(await adapters.keys.verifyKey(key))) {
    key = (await adapters.keys.createKey(DEMO_TENANT, [...SCOPES], "local admin (npm start)")).key;
    writeFileSync(KEY_FILE, `${key}\n`, { mode: 0o600 });
  }
  return { ...seeded, key };
});

console.log(`
edge-svm is starting at ${URL}
  model:      ${modelVersion}${created ? " (trained just now from the seeded demo data)" : ""}
  admin key:  ${key}
  dashboard:  ${URL}/  (sign in with the key above)
  try:        echo '{"features":[[3.6,8.6,-2.8,-0.4],[-1.4,-4.9,6.5,0.4]]}' | gzip | \\
                curl -s -H "Authorization: Bearer ${key}" -H 'Content-Type: application/json' \\
                -H 'Content-Encoding: gzip' --data-binary @- ${URL}/v1/batches
  more keys:  npm run keys -- create --tenant NAME --scopes ingest,read
  cli:        npx edge-svm --help  (EDGE_SVM_URL / EDGE_SVM_KEY or .edge-svm.json)
`);
