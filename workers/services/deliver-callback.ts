// Delivers a finished batch to the client's callbackUrl, signed with the tenant's secret
// (Standard Webhooks; the webhook id is the batch id, so receivers can dedupe retries).
// A non-2xx answer throws, and the queue retries with backoff.
import type { CallbackJob } from "../contract/messages.ts";
import type { Adapters } from "../adapters/index.ts";
import { signWebhook } from "../codecs/standard-webhooks.ts";
import { toBatchResult } from "./batch-result.ts";

export async function deliverCallback(adapters: Adapters, job: CallbackJob): Promise<void> {
  const [batch, tenant] = await Promise.all([
    adapters.batches.getBatch(job.batchId),
    adapters.keys.findTenant(job.tenantId),
  ]);
  if (!batch || !tenant || batch.tenantId !== tenant.id) return;
  const body = JSON.stringify({
    type: "batch.completed",
    data: toBatchResult(batch, await adapters.batches.readPredictions(batch.id)),
  });
  const timestamp = Math.floor(Date.now() / 1000);
  const response = await fetch(job.url, {
    method: "POST",
    headers: {
      "content-type": "application/json",
      "webhook-id": `batch_${batch.id}`,
      "webhook-timestamp": String(timestamp),
      "webhook-signature": await signWebhook(tenant.webhookSecret, `batch_${batch.id}`, timestamp, body),
    },
    body,
  });
  if (!response.ok) throw new Error(`callback to ${new URL(job.url).host} answered ${response.status}`);
}
