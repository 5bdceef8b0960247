-- Rows move to R2 (binary columns, written by the Worker); D1 keeps one row per batch, the label
-- index and hourly rollups. Hand-edited after drizzle-kit generate: labels keep what the model
-- said for their row (copied from `predictions` before it is dropped). Rows scored before this
-- migration are not carried to R2 (no deployment holds any yet); their batches read as gone.
CREATE TABLE `rollups` (
	`tenant_id` text NOT NULL,
	`hour` integer NOT NULL,
	`model_version` text NOT NULL,
	`batches` integer DEFAULT 0 NOT NULL,
	`rows` integer DEFAULT 0 NOT NULL,
	`positives` integer DEFAULT 0 NOT NULL,
	`labelled` integer DEFAULT 0 NOT NULL,
	`correct` integer DEFAULT 0 NOT NULL,
	`latency` text DEFAULT '[]' NOT NULL,
	`features` text DEFAULT '[]' NOT NULL,
	PRIMARY KEY(`tenant_id`, `hour`, `model_version`)
);
--> statement-breakpoint
ALTER TABLE `feedback` ADD `predicted` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `feedback` ADD `model_version` text DEFAULT '' NOT NULL;--> statement-breakpoint
UPDATE `feedback` SET
	`predicted` = coalesce((SELECT p.`label` FROM `predictions` p WHERE p.`batch_id` = `feedback`.`batch_id` AND p.`row` = `feedback`.`row`), 0),
	`model_version` = coalesce((SELECT p.`model_version` FROM `predictions` p WHERE p.`batch_id` = `feedback`.`batch_id` AND p.`row` = `feedback`.`row`), '');--> statement-breakpoint
DROP TABLE `batch_chunks`;--> statement-breakpoint
DROP TABLE `predictions`;--> statement-breakpoint
DROP INDEX `feedback_received`;--> statement-breakpoint
CREATE INDEX `feedback_tenant_labelled` ON `feedback` (`tenant_id`,`labelled_at`,`batch_id`,`row`);--> statement-breakpoint
ALTER TABLE `batches` ADD `redrives` integer DEFAULT 0 NOT NULL;
