DROP INDEX `contacts_tenant_status_id`;--> statement-breakpoint
DROP INDEX `contacts_tenant_last_name`;--> statement-breakpoint
DROP INDEX `contacts_tenant_first_name`;--> statement-breakpoint
CREATE INDEX `contacts_tenant_status_deleted_id` ON `contacts` (`tenant_id`,`status`,`deleted_at`,`id`);--> statement-breakpoint
CREATE INDEX `contacts_tenant_first_name_lower` ON `contacts` (`tenant_id`,lower("first_name"));--> statement-breakpoint
CREATE INDEX `contacts_tenant_last_name_lower` ON `contacts` (`tenant_id`,lower("last_name"));--> statement-breakpoint
CREATE INDEX `list_members_list_status` ON `list_members` (`tenant_id`,`list_id`,`status`,`contact_id`);