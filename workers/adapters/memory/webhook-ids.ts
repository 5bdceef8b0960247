// The in-memory twin of webhook-ids.ts: processed webhook ids per tenant, with the time each
// was received (Date.now(), as the real store stamps it), so pruning forgets the same ones.
import type { WebhookIds } from "../webhook-ids.ts";

export function createMemoryWebhookIds(): WebhookIds {
  // Keyed by tenant and id together: the same id from two tenants is two deliveries.
  const received = new Map<string, number>();
  const key = (tenantId: string, webhookId: string) => JSON.stringify([tenantId, webhookId]);
  return {
    async claim(tenantId, webhookId) {
      const k = key(tenantId, webhookId);
      if (received.has(k)) return false;
      received.set(k, Date.now());
      return true;
    },
    async release(tenantId, webhookId) {
      received.delete(key(tenantId, webhookId));
    },
    async prune(before) {
      let pruned = 0;
      for (const [k, at] of received) {
        if (at < before) {
          received.delete(k);
          pruned++;
        }
      }
      return pruned;
    },
  };
}
