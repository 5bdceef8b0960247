// Delivers a finished batch to the client's callbackUrl, signed with the tenant's secret
// (Standard Webhooks; the webhook id is the batch id, so receivers can dedupe retries).
// The receiver gets 10 s, redirects are not followed (a redirect could lead anywhere, even to
// http), the response body is never read, and each attempt's outcome is kept on the batch. A
// non-2xx answer throws, and the queue retries with backoff; a URL we refuse fails at once.
import type { CallbackJob } from "../contract/messages.ts";
import { LIMITS } from "../contract/limits.ts";
import type { Adapters } from "../adapters/index.ts";
import type { BatchRecord } from "../adapters/batch-store.ts";
import { checkCallbackUrl } from "../codecs/callback-url.ts";
import { signWebhook } from "../codecs/standard-webhooks.ts";
import { readScoredRows } from "./scored-rows.ts";
import { versionFacts } from "./version-facts.ts";
import { toBatchResult } from "./batch-result.ts";
import { refreshCachedCallback } from "./read-batch.ts";
import { PermanentError } from "./permanent-error.ts";

export const CALLBACK_TIMEOUT_MS = 10_000;

export async function deliverCallback(adapters: Adapters, job: CallbackJob): Promise<void> {
  const [batch, tenant] = await Promise.all([
    adapters.batches.getBatch(job.batchId),
    adapters.keys.findTenant(job.tenantId),
  ]);
  if (!batch || !tenant || batch.tenantId !== tenant.id) return;
  const verdict = checkCallbackUrl(job.url, LIMITS.maxCallbackUrlLength);
  if (!verdict.ok) throw new PermanentError(`the callback URL is refused: ${verdict.rule}`);
  const body = JSON.stringify({
    type: "batch.completed",
    data: await resultOf(adapters, batch),
  });
  const timestamp = Math.floor(Date.now() / 1000);
  let failure: string | null = null;
  try {
    const response = await fetch(verdict.url, {
      method: "POST",
      redirect: "manual",
      signal: AbortSignal.timeout(CALLBACK_TIMEOUT_MS),
      headers: {
        "content-type": "application/json",
        "webhook-id": `batch_${batch.id}`,
        "webhook-timestamp": String(timestamp),
        "webhook-signature": await signWebhook(tenant.webhookSecret, `batch_${batch.id}`, timestamp, body),
      },
      body,
    });
    await response.body?.cancel().catch(() => undefined);
    if (response.status >= 300 && response.status < 400)
      failure = `answered ${response.status}; redirects are not followed`;
    else if (!response.ok) failure = `answered ${response.status}`;
  } catch (error) {
    failure =
      (error as Error).name === "TimeoutError" || (error as Error).name === "AbortError"
        ? `no answer within ${CALLBACK_TIMEOUT_MS / 1000} s`
        : "the connection failed";
  }
  await adapters.batches.recordCallback(batch.id, {
    status: failure === null ? "delivered" : "pending",
    error: failure,
    attempted: true,
  });
  if (failure !== null) throw new Error(`callback to ${verdict.url.host} failed: ${failure}`);
  await refreshCachedCallback(adapters, batch.id);
}

async function resultOf(adapters: Adapters, batch: BatchRecord) {
  const scored = await readScoredRows(adapters, batch);
  const facts = scored ? await versionFacts(adapters, batch.tenantId, scored.versions) : undefined;
  return toBatchResult(batch, scored, facts);
}
