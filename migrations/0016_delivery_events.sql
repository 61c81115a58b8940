CREATE TABLE `delivery_events` (
	`id` text PRIMARY KEY NOT NULL,
	`tenant_id` text NOT NULL,
	`message_id` text NOT NULL,
	`contact_id` text,
	`campaign_id` text,
	`type` text NOT NULL,
	`source` text NOT NULL,
	`detail` text NOT NULL,
	`occurred_at` integer NOT NULL,
	`reported_at` integer,
	`created_at` integer DEFAULT (cast(unixepoch('subsec') * 1000 as integer)) NOT NULL,
	FOREIGN KEY (`tenant_id`) REFERENCES `tenants`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`message_id`) REFERENCES `messages`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`contact_id`) REFERENCES `contacts`(`id`) ON UPDATE no action ON DELETE set null
);
--> statement-breakpoint
CREATE UNIQUE INDEX `delivery_events_message_type` ON `delivery_events` (`message_id`,`type`);--> statement-breakpoint
CREATE INDEX `delivery_events_contact` ON `delivery_events` (`contact_id`,`type`,`occurred_at`);--> statement-breakpoint
CREATE INDEX `delivery_events_campaign` ON `delivery_events` (`campaign_id`,`type`);--> statement-breakpoint
CREATE TABLE `inbound_hook_nonces` (
	`key` text PRIMARY KEY NOT NULL,
	`expires_at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `inbound_hook_nonces_expiry` ON `inbound_hook_nonces` (`expires_at`);--> statement-breakpoint
ALTER TABLE `messages` ADD `delivered_at` integer;