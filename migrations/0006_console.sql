ALTER TABLE `batches` ADD `positives` integer;--> statement-breakpoint
ALTER TABLE `batches` ADD `model_version` text;--> statement-breakpoint
ALTER TABLE `rollups` ADD `labelled_positives` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `rollups` ADD `true_positives` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `rollups` ADD `scores` text DEFAULT '[]' NOT NULL;