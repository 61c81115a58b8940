import type { TemplateCategory } from './api-types';

/** How the dashboard names each template category (tabs, badges, the editor's select). */
export const CATEGORY_LABELS: Record<TemplateCategory, string> = {
  newsletter: 'Newsletter',
  promotion: 'Promotion',
  announcement: 'Announcement',
  welcome: 'Welcome',
  event: 'Event',
  transactional: 'Transactional',
  reengagement: 'Re-engagement',
  plain: 'Plain',
  other: 'Other',
};
