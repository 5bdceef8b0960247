ALTER TABLE `batches` ADD `callback_status` text;--> statement-breakpoint
ALTER TABLE `batches` ADD `callback_attempts` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `batches` ADD `callback_error` text;--> statement-breakpoint
CREATE INDEX `batches_status_created` ON `batches` (`status`,`created_at`);--> statement-breakpoint
ALTER TABLE `tenants` ADD `webhook_secret_previous` text;--> statement-breakpoint
ALTER TABLE `tenants` ADD `webhook_secret_previous_until` integer;--> statement-breakpoint
CREATE INDEX `webhook_deliveries_received` ON `webhook_deliveries` (`received_at`);