ALTER TABLE `tenants` ADD `closed_at` integer;--> statement-breakpoint
ALTER TABLE `tenants` ADD `purge_after` integer;