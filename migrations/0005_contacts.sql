CREATE TABLE `contact_tags` (
	`tenant_id` text NOT NULL,
	`contact_id` text NOT NULL,
	`tag_id` text NOT NULL,
	FOREIGN KEY (`tenant_id`) REFERENCES `tenants`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`contact_id`) REFERENCES `contacts`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`tag_id`) REFERENCES `tags`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE UNIQUE INDEX `contact_tags_pk` ON `contact_tags` (`contact_id`,`tag_id`);--> statement-breakpoint
CREATE INDEX `contact_tags_tag` ON `contact_tags` (`tenant_id`,`tag_id`,`contact_id`);--> statement-breakpoint
CREATE TABLE `contacts` (
	`id` text PRIMARY KEY NOT NULL,
	`tenant_id` text NOT NULL,
	`email` text NOT NULL,
	`first_name` text,
	`last_name` text,
	`phone` text,
	`company` text,
	`city` text,
	`country` text,
	`language` text,
	`timezone` text,
	`status` text DEFAULT 'subscribed' NOT NULL,
	`consent` text,
	`custom` text,
	`disposable` integer DEFAULT false NOT NULL,
	`role` integer DEFAULT false NOT NULL,
	`created_at` integer DEFAULT (cast(unixepoch('subsec') * 1000 as integer)) NOT NULL,
	`updated_at` integer,
	`deleted_at` integer,
	FOREIGN KEY (`tenant_id`) REFERENCES `tenants`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE UNIQUE INDEX `contacts_tenant_email` ON `contacts` (`tenant_id`,`email`);--> statement-breakpoint
CREATE INDEX `contacts_tenant_deleted_id` ON `contacts` (`tenant_id`,`deleted_at`,`id`);--> statement-breakpoint
CREATE INDEX `contacts_tenant_status_id` ON `contacts` (`tenant_id`,`status`,`id`);--> statement-breakpoint
CREATE INDEX `contacts_tenant_last_name` ON `contacts` (`tenant_id`,`last_name`);--> statement-breakpoint
CREATE INDEX `contacts_tenant_first_name` ON `contacts` (`tenant_id`,`first_name`);--> statement-breakpoint
CREATE TABLE `custom_fields` (
	`id` text PRIMARY KEY NOT NULL,
	`tenant_id` text NOT NULL,
	`key` text NOT NULL,
	`label` text NOT NULL,
	`type` text NOT NULL,
	`created_at` integer DEFAULT (cast(unixepoch('subsec') * 1000 as integer)) NOT NULL,
	FOREIGN KEY (`tenant_id`) REFERENCES `tenants`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE UNIQUE INDEX `custom_fields_tenant_key` ON `custom_fields` (`tenant_id`,`key`);--> statement-breakpoint
CREATE TABLE `tags` (
	`id` text PRIMARY KEY NOT NULL,
	`tenant_id` text NOT NULL,
	`name` text NOT NULL,
	`created_at` integer DEFAULT (cast(unixepoch('subsec') * 1000 as integer)) NOT NULL,
	FOREIGN KEY (`tenant_id`) REFERENCES `tenants`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE UNIQUE INDEX `tags_tenant_name` ON `tags` (`tenant_id`,`name`);