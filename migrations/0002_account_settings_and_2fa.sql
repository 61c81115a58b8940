CREATE TABLE `totp_backup_codes` (
	`id` text PRIMARY KEY NOT NULL,
	`user_id` text NOT NULL,
	`code_hash` text NOT NULL,
	`used_at` integer,
	`created_at` integer DEFAULT (cast(unixepoch('subsec') * 1000 as integer)) NOT NULL,
	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `totp_backup_codes_user` ON `totp_backup_codes` (`user_id`);--> statement-breakpoint
ALTER TABLE `email_tokens` ADD `new_email` text;--> statement-breakpoint
ALTER TABLE `tenants` ADD `country` text;--> statement-breakpoint
ALTER TABLE `tenants` ADD `postal_address` text;--> statement-breakpoint
ALTER TABLE `tenants` ADD `default_from_name` text;--> statement-breakpoint
ALTER TABLE `tenants` ADD `default_reply_to` text;--> statement-breakpoint
ALTER TABLE `tenants` ADD `timezone` text DEFAULT 'UTC' NOT NULL;--> statement-breakpoint
ALTER TABLE `tenants` ADD `language` text DEFAULT 'en' NOT NULL;--> statement-breakpoint
ALTER TABLE `tenants` ADD `brand` text;--> statement-breakpoint
ALTER TABLE `tenants` ADD `require_2fa` integer DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE `users` ADD `totp_secret` text;--> statement-breakpoint
ALTER TABLE `users` ADD `totp_enabled_at` integer;--> statement-breakpoint
ALTER TABLE `users` ADD `totp_last_step` integer;