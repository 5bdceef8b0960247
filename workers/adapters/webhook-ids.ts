// Webhook ids already processed, per tenant, in D1: a replayed delivery is acknowledged, not
// re-applied. A webhook is accepted only within five minutes of its signed timestamp (either
// side), so an id older than twice that can never verify again and is forgotten.
import { and, eq, lt } from "drizzle-orm";
import { webhookDeliveries } from "../db/schema.ts";
import type { Database } from "./database.ts";

export interface WebhookIds {
  /** True when this id is new for the tenant (and is now claimed). */
  claim(tenantId: string, webhookId: string): Promise<boolean>;
  /** Gives a claimed id back (its delivery was not processed, so a retry must be). */
  release(tenantId: string, webhookId: string): Promise<void>;
  /** Forgets ids received before `before`; returns how many. */
  prune(before: number): Promise<number>;
}

export function createWebhookIds(db: Database): WebhookIds {
  return {
    async claim(tenantId, webhookId) {
      const rows = await db
        .insert(webhookDeliveries)
        .values({ tenantId, webhookId, receivedAt: Date.now() })
        .onConflictDoNothing()
        .returning({ id: webhookDeliveries.webhookId });
      return rows.length > 0;
    },
    async release(tenantId, webhookId) {
      await db
        .delete(webhookDeliveries)
        .where(and(eq(webhookDeliveries.tenantId, tenantId), eq(webhookDeliveries.webhookId, webhookId)));
    },
    async prune(before) {
      const deleted = await db
        .delete(webhookDeliveries)
        .where(lt(webhookDeliveries.receivedAt, before))
        .returning({ id: webhookDeliveries.webhookId });
      return deleted.length;
    },
  };
}
