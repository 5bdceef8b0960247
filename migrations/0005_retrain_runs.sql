ALTER TABLE `models` ADD `run_id` text;--> statement-breakpoint
CREATE UNIQUE INDEX `models_one_per_run` ON `models` (`tenant_id`,`run_id`) WHERE run_id IS NOT NULL;