// The registry client of `npm run train -- --publish`: sends a sealed artifact (and its
// dataset) to a running edge-svm, gzip-compressed, with an admin key.
import { existsSync, readFileSync } from "node:fs";
import { gzipSync, strToU8 } from "fflate";
import type { Artifact } from "../model/index.ts";

export const LOCAL_KEY_FILE = ".wrangler/state/dev-admin-key";

export function resolveKey(flag: string | undefined): string {
  const key =
    flag ?? process.env.EDGE_SVM_KEY ?? (existsSync(LOCAL_KEY_FILE) ? readFileSync(LOCAL_KEY_FILE, "utf8").trim() : "");
  if (!key)
    throw new Error(`no API key: pass --key, set EDGE_SVM_KEY, or run npm start once (it writes ${LOCAL_KEY_FILE})`);
  return key;
}

export async function publishModel(options: {
  url: string;
  key: string;
  artifact: Artifact;
  dataset: string;
  activate: boolean;
}): Promise<{ version: string; status: string }> {
  const body = gzipSync(
    strToU8(JSON.stringify({ artifact: options.artifact, dataset: options.dataset, activate: options.activate })),
  );
  const response = await fetch(new URL("/v1/models", options.url), {
    method: "POST",
    headers: { authorization: `Bearer ${options.key}`, "content-type": "application/json", "content-encoding": "gzip" },
    body,
  }).catch((error: Error) => {
    throw new Error(`cannot reach ${options.url} (${error.message}); is npm start running?`);
  });
  const answer = (await response.json()) as {
    version: string;
    status: string;
    error?: { code: string; message: string };
  };
  if (!response.ok) throw new Error(`the registry refused the model: ${answer.error?.code}: ${answer.error?.message}`);
  return answer;
}
