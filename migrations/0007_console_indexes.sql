ALTER TABLE `models` ADD `class_names` text;--> statement-breakpoint
CREATE INDEX `batches_tenant_status_created` ON `batches` (`tenant_id`,`status`,`created_at`,`id`);--> statement-breakpoint
CREATE INDEX `batches_tenant_version_created` ON `batches` (`tenant_id`,`model_version`,`created_at`,`id`);--> statement-breakpoint
-- Labels recorded before 0006 were counted into `labelled` and `correct` only. Each hour's
-- counts are those of the labels given in it (a replaced label is taken back from its own hour),
-- so the confusion counts are recounted from the labels, exactly.
UPDATE `rollups` SET
  `labelled_positives` = (SELECT count(*) FROM `feedback` f
    WHERE f.tenant_id = rollups.tenant_id AND f.model_version = rollups.model_version
      AND f.labelled_at >= rollups.hour AND f.labelled_at < rollups.hour + 3600000 AND f.label = 1),
  `true_positives` = (SELECT count(*) FROM `feedback` f
    WHERE f.tenant_id = rollups.tenant_id AND f.model_version = rollups.model_version
      AND f.labelled_at >= rollups.hour AND f.labelled_at < rollups.hour + 3600000 AND f.label = 1 AND f.predicted = 1);
