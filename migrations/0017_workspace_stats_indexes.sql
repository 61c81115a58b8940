DROP INDEX `messages_tenant_sent`;--> statement-breakpoint
CREATE INDEX `messages_tenant_sent` ON `messages` (`tenant_id`,`sent_at`,`status`,`opened_at`,`clicked_at`);--> statement-breakpoint
CREATE INDEX `contact_events_outcome_time` ON `contact_events` (`tenant_id`,`type`,`created_at`) WHERE type in ('bounce', 'complaint', 'unsubscribed');