CREATE TABLE `api_keys` (
	`id` text PRIMARY KEY NOT NULL,
	`tenant_id` text NOT NULL,
	`secret_hash` text NOT NULL,
	`scopes` text NOT NULL,
	`label` text,
	`created_at` integer NOT NULL,
	`revoked_at` integer,
	FOREIGN KEY (`tenant_id`) REFERENCES `tenants`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `api_keys_tenant` ON `api_keys` (`tenant_id`);--> statement-breakpoint
CREATE TABLE `audit_log` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`tenant_id` text,
	`actor` text NOT NULL,
	`action` text NOT NULL,
	`subject` text,
	`detail` text,
	`at` integer DEFAULT (unixepoch() * 1000) NOT NULL
);
--> statement-breakpoint
CREATE INDEX `audit_log_at` ON `audit_log` (`at`);--> statement-breakpoint
CREATE TABLE `batch_chunks` (
	`batch_id` text NOT NULL,
	`chunk` integer NOT NULL,
	`rows` integer NOT NULL,
	`scored_at` integer NOT NULL,
	PRIMARY KEY(`batch_id`, `chunk`),
	FOREIGN KEY (`batch_id`) REFERENCES `batches`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE TABLE `batches` (
	`id` text PRIMARY KEY NOT NULL,
	`tenant_id` text NOT NULL,
	`status` text NOT NULL,
	`rows` integer NOT NULL,
	`chunks` integer NOT NULL,
	`done` integer DEFAULT 0 NOT NULL,
	`feature_count` integer NOT NULL,
	`idempotency_key` text,
	`body_hash` text NOT NULL,
	`callback_url` text,
	`source` text DEFAULT 'api' NOT NULL,
	`error` text,
	`created_at` integer NOT NULL,
	`completed_at` integer,
	FOREIGN KEY (`tenant_id`) REFERENCES `tenants`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `batches_idempotency` ON `batches` (`tenant_id`,`idempotency_key`);--> statement-breakpoint
CREATE INDEX `batches_tenant_created` ON `batches` (`tenant_id`,`created_at`,`id`);--> statement-breakpoint
CREATE TABLE `feedback` (
	`batch_id` text NOT NULL,
	`row` integer NOT NULL,
	`tenant_id` text NOT NULL,
	`label` integer NOT NULL,
	`source` text NOT NULL,
	`labelled_at` integer NOT NULL,
	`received_at` integer NOT NULL,
	PRIMARY KEY(`batch_id`, `row`),
	FOREIGN KEY (`batch_id`) REFERENCES `batches`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `feedback_received` ON `feedback` (`received_at`);--> statement-breakpoint
CREATE TABLE `locks` (
	`name` text PRIMARY KEY NOT NULL,
	`holder` text NOT NULL,
	`expires_at` integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE `models` (
	`version` text PRIMARY KEY NOT NULL,
	`status` text NOT NULL,
	`parent_version` text,
	`artifact_key` text NOT NULL,
	`checksum` text NOT NULL,
	`feature_names` text NOT NULL,
	`training_rows` integer NOT NULL,
	`fingerprint` text NOT NULL,
	`metrics` text NOT NULL,
	`gate` text,
	`source` text NOT NULL,
	`created_at` integer NOT NULL,
	`activated_at` integer
);
--> statement-breakpoint
CREATE INDEX `models_created` ON `models` (`created_at`);--> statement-breakpoint
CREATE UNIQUE INDEX `models_one_champion` ON `models` (`status`) WHERE status = 'champion';--> statement-breakpoint
CREATE TABLE `predictions` (
	`batch_id` text NOT NULL,
	`row` integer NOT NULL,
	`client_id` text,
	`features` text NOT NULL,
	`label` integer NOT NULL,
	`margin` real NOT NULL,
	`model_version` text NOT NULL,
	`scored_at` integer NOT NULL,
	PRIMARY KEY(`batch_id`, `row`),
	FOREIGN KEY (`batch_id`) REFERENCES `batches`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `predictions_model` ON `predictions` (`model_version`);--> statement-breakpoint
CREATE TABLE `tenants` (
	`id` text PRIMARY KEY NOT NULL,
	`name` text NOT NULL,
	`webhook_secret` text NOT NULL,
	`created_at` integer NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `tenants_name_unique` ON `tenants` (`name`);--> statement-breakpoint
CREATE TABLE `training_runs` (
	`id` text PRIMARY KEY NOT NULL,
	`trigger` text NOT NULL,
	`status` text NOT NULL,
	`reason` text,
	`champion_version` text,
	`challenger_version` text,
	`details` text,
	`started_at` integer NOT NULL,
	`finished_at` integer
);
--> statement-breakpoint
CREATE INDEX `training_runs_started` ON `training_runs` (`started_at`);--> statement-breakpoint
CREATE TABLE `webhook_deliveries` (
	`tenant_id` text NOT NULL,
	`webhook_id` text NOT NULL,
	`received_at` integer NOT NULL,
	PRIMARY KEY(`tenant_id`, `webhook_id`)
);
