CREATE TABLE `idempotency_keys` (
	`tenant_id` text NOT NULL,
	`key` text NOT NULL,
	`request_hash` text NOT NULL,
	`response_status` integer,
	`response_body` text,
	`created_at` integer DEFAULT (cast(unixepoch('subsec') * 1000 as integer)) NOT NULL,
	FOREIGN KEY (`tenant_id`) REFERENCES `tenants`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE UNIQUE INDEX `idempotency_keys_tenant_key` ON `idempotency_keys` (`tenant_id`,`key`);--> statement-breakpoint
CREATE INDEX `idempotency_keys_created` ON `idempotency_keys` (`created_at`);--> statement-breakpoint
CREATE TABLE `transactional_contents` (
	`message_id` text PRIMARY KEY NOT NULL,
	`tenant_id` text NOT NULL,
	`from_email` text,
	`from_name` text,
	`reply_to` text,
	`to` text NOT NULL,
	`cc` text NOT NULL,
	`bcc` text NOT NULL,
	`subject` text NOT NULL,
	`html` text NOT NULL,
	`text` text NOT NULL,
	`headers` text NOT NULL,
	`attachments` text NOT NULL,
	`tags` text NOT NULL,
	`metadata` text NOT NULL,
	`template_id` text,
	`track_opens` integer NOT NULL,
	`track_clicks` integer NOT NULL,
	FOREIGN KEY (`message_id`) REFERENCES `messages`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`tenant_id`) REFERENCES `tenants`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `messages_tenant_campaign` ON `messages` (`tenant_id`,`campaign_id`,`id`);--> statement-breakpoint
CREATE INDEX `messages_transactional_due` ON `messages` (`send_after`) WHERE campaign_id is null and status = 'pending';