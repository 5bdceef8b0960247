// Webhook ids already processed, per tenant: a replayed delivery is acknowledged, not re-applied.
import { and, eq } from "drizzle-orm";
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
