CREATE TABLE `campaign_event_rollups` (
	`tenant_id` text NOT NULL,
	`campaign_id` text NOT NULL,
	`bucket_at` integer NOT NULL,
	`type` text NOT NULL,
	`url` text DEFAULT '' NOT NULL,
	`events` integer NOT NULL,
	PRIMARY KEY(`campaign_id`, `bucket_at`, `type`, `url`),
	FOREIGN KEY (`tenant_id`) REFERENCES `tenants`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
ALTER TABLE `tenants` ADD `event_retention_months` integer DEFAULT 13 NOT NULL;--> statement-breakpoint
ALTER TABLE `tenants` ADD `sunset_after_months` integer DEFAULT 12 NOT NULL;--> statement-breakpoint
CREATE INDEX `contact_events_prunable` ON `contact_events` (`tenant_id`,`id`) WHERE type in ('sent', 'delivered', 'open', 'click', 'machine_open', 'machine_click', 'deferred');