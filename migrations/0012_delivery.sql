CREATE TABLE `campaigns` (
	`id` text PRIMARY KEY NOT NULL,
	`tenant_id` text NOT NULL,
	`name` text NOT NULL,
	`status` text DEFAULT 'draft' NOT NULL,
	`audience` text NOT NULL,
	`template_id` text,
	`template_version` integer,
	`subject` text,
	`preheader` text,
	`from_name` text,
	`from_email` text,
	`reply_to` text,
	`track_opens` integer DEFAULT true NOT NULL,
	`track_clicks` integer DEFAULT true NOT NULL,
	`schedule` text,
	`scheduled_at` integer,
	`ab_test` text,
	`parent_id` text,
	`total_recipients` integer,
	`failure_reason` text,
	`started_at` integer,
	`finished_at` integer,
	`created_by` text,
	`created_at` integer DEFAULT (cast(unixepoch('subsec') * 1000 as integer)) NOT NULL,
	`updated_at` integer,
	`deleted_at` integer,
	FOREIGN KEY (`tenant_id`) REFERENCES `tenants`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`template_id`) REFERENCES `templates`(`id`) ON UPDATE no action ON DELETE set null
);
--> statement-breakpoint
CREATE INDEX `campaigns_tenant_list` ON `campaigns` (`tenant_id`,`deleted_at`,`status`,`id`);--> statement-breakpoint
CREATE INDEX `campaigns_due` ON `campaigns` (`status`,`scheduled_at`);--> statement-breakpoint
CREATE TABLE `messages` (
	`id` text PRIMARY KEY NOT NULL,
	`tenant_id` text NOT NULL,
	`campaign_id` text,
	`contact_id` text,
	`email` text NOT NULL,
	`stream` text DEFAULT 'marketing' NOT NULL,
	`variant` text,
	`status` text DEFAULT 'pending' NOT NULL,
	`send_after` integer NOT NULL,
	`attempts` integer DEFAULT 0 NOT NULL,
	`claimed_at` integer,
	`transport_id` text,
	`provider_message_id` text,
	`error` text,
	`queued_at` integer,
	`sent_at` integer,
	`created_at` integer DEFAULT (cast(unixepoch('subsec') * 1000 as integer)) NOT NULL,
	FOREIGN KEY (`tenant_id`) REFERENCES `tenants`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`campaign_id`) REFERENCES `campaigns`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`contact_id`) REFERENCES `contacts`(`id`) ON UPDATE no action ON DELETE set null
);
--> statement-breakpoint
CREATE UNIQUE INDEX `messages_campaign_contact` ON `messages` (`campaign_id`,`contact_id`);--> statement-breakpoint
CREATE INDEX `messages_campaign_status` ON `messages` (`campaign_id`,`status`,`send_after`);--> statement-breakpoint
CREATE INDEX `messages_tenant_sent` ON `messages` (`tenant_id`,`sent_at`);--> statement-breakpoint
CREATE INDEX `messages_provider_id` ON `messages` (`provider_message_id`);--> statement-breakpoint
CREATE INDEX `messages_contact` ON `messages` (`contact_id`);--> statement-breakpoint
CREATE TABLE `transport_routes` (
	`id` text PRIMARY KEY NOT NULL,
	`tenant_id` text NOT NULL,
	`stream` text NOT NULL,
	`domain` text DEFAULT '*' NOT NULL,
	`transport_id` text NOT NULL,
	`fallback_transport_id` text,
	`created_at` integer DEFAULT (cast(unixepoch('subsec') * 1000 as integer)) NOT NULL,
	FOREIGN KEY (`tenant_id`) REFERENCES `tenants`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`transport_id`) REFERENCES `transports`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`fallback_transport_id`) REFERENCES `transports`(`id`) ON UPDATE no action ON DELETE set null
);
--> statement-breakpoint
CREATE UNIQUE INDEX `transport_routes_tenant_stream_domain` ON `transport_routes` (`tenant_id`,`stream`,`domain`);--> statement-breakpoint
CREATE TABLE `transports` (
	`id` text PRIMARY KEY NOT NULL,
	`tenant_id` text NOT NULL,
	`name` text NOT NULL,
	`kind` text NOT NULL,
	`settings` text NOT NULL,
	`credentials_enc` text,
	`consecutive_failures` integer DEFAULT 0 NOT NULL,
	`last_error` text,
	`last_failure_at` integer,
	`last_success_at` integer,
	`created_at` integer DEFAULT (cast(unixepoch('subsec') * 1000 as integer)) NOT NULL,
	`updated_at` integer,
	FOREIGN KEY (`tenant_id`) REFERENCES `tenants`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE UNIQUE INDEX `transports_tenant_name` ON `transports` (`tenant_id`,`name`);--> statement-breakpoint
ALTER TABLE `tenants` ADD `limit_overrides` text;--> statement-breakpoint
ALTER TABLE `tenants` ADD `sending_started_at` integer;