DROP INDEX `contact_events_contact`;--> statement-breakpoint
DROP INDEX `contact_events_type_campaign`;--> statement-breakpoint
DROP INDEX `contact_events_type_time`;--> statement-breakpoint
CREATE INDEX `contact_events_contact` ON `contact_events` (`contact_id`,`id`);--> statement-breakpoint
CREATE INDEX `contact_events_type_campaign` ON `contact_events` (`tenant_id`,`type`,`campaign_id`,`contact_id`) WHERE type = 'open' or type = 'click';--> statement-breakpoint
CREATE INDEX `contact_events_type_time` ON `contact_events` (`tenant_id`,`type`,`created_at`,`contact_id`) WHERE type = 'open' or type = 'click';--> statement-breakpoint
DROP INDEX `list_members_contact`;--> statement-breakpoint
CREATE INDEX `list_members_contact` ON `list_members` (`contact_id`);