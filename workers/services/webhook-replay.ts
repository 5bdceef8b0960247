// Webhook ids already processed, per tenant: a replayed delivery is acknowledged, not re-applied.
import { and, eq, lt } from "drizzle-orm";
import { webhookDeliveries } from "../db/schema.ts";
import type { Adapters } from "../adapters/index.ts";

/** True when this id is new for the tenant (and is now claimed). */
export async function claimWebhookId(adapters: Adapters, tenantId: string, webhookId: string): Promise<boolean> {
  const rows = await adapters.db
    .insert(webhookDeliveries)
    .values({ tenantId, webhookId, receivedAt: Date.now() })
    .onConflictDoNothing()
    .returning({ id: webhookDeliveries.webhookId });
  return rows.length > 0;
}

export async function releaseWebhookId(adapters: Adapters, tenantId: string, webhookId: string): Promise<void> {
  await adapters.db
    .delete(webhookDeliveries)
    .where(and(eq(webhookDeliveries.tenantId, tenantId), eq(webhookDeliveries.webhookId, webhookId)));
}

/**
 * Forgets ids received before `before`. A webhook is accepted only within TOLERANCE_SECONDS of
 * its signed timestamp (either side), so an id older than twice that can never verify again.
 */
export async function pruneWebhookIds(adapters: Adapters, before: number): Promise<number> {
  const deleted = await adapters.db
    .delete(webhookDeliveries)
    .where(lt(webhookDeliveries.receivedAt, before))
    .returning({ id: webhookDeliveries.webhookId });
  return deleted.length;
}
