CREATE TABLE `tracking_domains` (
	`id` text PRIMARY KEY NOT NULL,
	`tenant_id` text NOT NULL,
	`hostname` text NOT NULL,
	`status` text DEFAULT 'pending' NOT NULL,
	`detail` text,
	`cf_hostname_id` text,
	`last_checked_at` integer,
	`verified_at` integer,
	`created_at` integer DEFAULT (cast(unixepoch('subsec') * 1000 as integer)) NOT NULL,
	`updated_at` integer,
	FOREIGN KEY (`tenant_id`) REFERENCES `tenants`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE UNIQUE INDEX `tracking_domains_hostname` ON `tracking_domains` (`hostname`);--> statement-breakpoint
CREATE UNIQUE INDEX `tracking_domains_tenant` ON `tracking_domains` (`tenant_id`);--> statement-breakpoint
ALTER TABLE `tenants` ADD `tracking_host` text;