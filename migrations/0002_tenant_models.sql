-- Models become tenant-owned. What existed belonged to the tenant that created it: the seeded
-- demo tenant (or else the oldest tenant). Its artifacts keep their R2 keys (artifact_key) and its
-- base dataset stays at datasets/base.csv, recorded on the tenant.
PRAGMA foreign_keys=OFF;--> statement-breakpoint
CREATE TABLE `__new_models` (
	`tenant_id` text NOT NULL,
	`version` text NOT NULL,
	`status` text NOT NULL,
	`parent_version` text,
	`artifact_key` text NOT NULL,
	`checksum` text NOT NULL,
	`feature_names` text NOT NULL,
	`training_rows` integer NOT NULL,
	`fingerprint` text NOT NULL,
	`metrics` text NOT NULL,
	`holdout` text,
	`gate` text,
	`source` text NOT NULL,
	`created_at` integer NOT NULL,
	`activated_at` integer,
	PRIMARY KEY(`tenant_id`, `version`)
);
--> statement-breakpoint
INSERT INTO `__new_models`("tenant_id", "version", "status", "parent_version", "artifact_key", "checksum", "feature_names", "training_rows", "fingerprint", "metrics", "holdout", "gate", "source", "created_at", "activated_at") SELECT COALESCE((SELECT `id` FROM `tenants` WHERE `name` = 'demo'), (SELECT `id` FROM `tenants` ORDER BY `created_at` LIMIT 1), 'unowned'), "version", "status", "parent_version", "artifact_key", "checksum", "feature_names", "training_rows", "fingerprint", "metrics", NULL, "gate", "source", "created_at", "activated_at" FROM `models`;--> statement-breakpoint
DROP TABLE `models`;--> statement-breakpoint
ALTER TABLE `__new_models` RENAME TO `models`;--> statement-breakpoint
PRAGMA foreign_keys=ON;--> statement-breakpoint
CREATE INDEX `models_tenant_created` ON `models` (`tenant_id`,`created_at`);--> statement-breakpoint
CREATE UNIQUE INDEX `models_one_champion` ON `models` (`tenant_id`,`status`) WHERE status = 'champion';--> statement-breakpoint
DROP INDEX `training_runs_started`;--> statement-breakpoint
ALTER TABLE `training_runs` ADD `tenant_id` text NOT NULL DEFAULT '';--> statement-breakpoint
UPDATE `training_runs` SET `tenant_id` = COALESCE((SELECT `id` FROM `tenants` WHERE `name` = 'demo'), (SELECT `id` FROM `tenants` ORDER BY `created_at` LIMIT 1), 'unowned');--> statement-breakpoint
CREATE INDEX `training_runs_tenant_started` ON `training_runs` (`tenant_id`,`started_at`);--> statement-breakpoint
ALTER TABLE `tenants` ADD `base_dataset_key` text;--> statement-breakpoint
UPDATE `tenants` SET `base_dataset_key` = 'datasets/base.csv' WHERE `id` = COALESCE((SELECT `id` FROM `tenants` WHERE `name` = 'demo'), (SELECT `id` FROM `tenants` ORDER BY `created_at` LIMIT 1), 'unowned') AND EXISTS (SELECT 1 FROM `models`);--> statement-breakpoint
UPDATE `audit_log` SET `tenant_id` = COALESCE((SELECT `id` FROM `tenants` WHERE `name` = 'demo'), (SELECT `id` FROM `tenants` ORDER BY `created_at` LIMIT 1), 'unowned') WHERE `tenant_id` IS NULL AND `action` LIKE 'model.%';