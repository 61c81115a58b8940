/** What each notification kind (worker/domain/notification-kinds.ts) is called in the dashboard. */
export const NOTIFICATION_KIND_LABELS: Record<string, { label: string; description: string }> = {
  welcome: { label: 'Welcome', description: 'Getting started with a new workspace.' },
  campaign_finished: { label: 'Campaign finished', description: 'A campaign has sent to everyone, with its first results.' },
  quota_warning: { label: 'Quota almost used', description: 'Most of the monthly email quota is used.' },
  quota_reached: { label: 'Quota reached', description: 'Sending stopped until the quota resets or the plan changes.' },
  contact_limit_warning: { label: 'Contacts almost full', description: 'Most of the plan’s contact limit is used.' },
  sending_paused: { label: 'Sending paused', description: 'Bounces or complaints paused sending for this workspace.' },
  domain_verified: { label: 'Domain verified', description: 'A sending domain passed its DNS checks.' },
  domain_broken: { label: 'Domain needs attention', description: 'A sending domain’s DNS records stopped matching.' },
  dkim_rotation: { label: 'DKIM key rotation', description: 'A sending domain has a new DKIM key to publish.' },
  transport_failing: { label: 'Delivery failing', description: 'Mail cannot be handed to a delivery service.' },
  import_finished: { label: 'Import finished', description: 'A contact import you started is done.' },
  export_finished: { label: 'Export ready', description: 'A data export you started can be downloaded.' },
  webhook_disabled: { label: 'Webhook disabled', description: 'A webhook failed too often and was switched off.' },
  sunset_report: { label: 'Inactive contacts', description: 'Contacts with no opens or clicks for the sunset period were made inactive.' },
  monthly_usage: { label: 'Monthly usage', description: 'A summary of last month’s sending.' },
};

export function notificationKindLabel(kind: string): { label: string; description: string } {
  return NOTIFICATION_KIND_LABELS[kind] ?? { label: kind.replaceAll('_', ' '), description: '' };
}
