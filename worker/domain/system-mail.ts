import { config, type Env } from '../env';
import type { SmtpConfig } from '../transports/smtp';

export interface SystemEmail {
  to: string;
  subject: string;
  /** Paragraphs of plain text; the HTML version is derived with every value escaped. */
  paragraphs: string[];
  action?: { label: string; url: string };
}

const esc = (s: string) => s.replace(/[&<>"']/g, (ch) => `&#${ch.charCodeAt(0)};`);

export function renderSystemEmail(mail: SystemEmail) {
  const text = [...mail.paragraphs, ...(mail.action ? [`${mail.action.label}: ${mail.action.url}`] : []), '— Edgepost'].join('\n\n');
  const html = `<!doctype html><html><body style="font-family:system-ui,sans-serif;color:#1f2937;max-width:560px;margin:auto;padding:24px">
${mail.paragraphs.map((p) => `<p style="line-height:1.5">${esc(p)}</p>`).join('\n')}
${mail.action ? `<p><a href="${esc(mail.action.url)}" style="display:inline-block;background:#4338ca;color:#fff;padding:12px 20px;border-radius:6px;text-decoration:none">${esc(mail.action.label)}</a></p><p style="font-size:12px;color:#4b5563">Or paste this link into your browser: ${esc(mail.action.url)}</p>` : ''}
<p style="font-size:12px;color:#4b5563">— Edgepost</p></body></html>`;
  return { text, html };
}

/**
 * The platform's SMTP relay (maildev locally): system mail, and test sends until tenants' own
 * transports arrive with the delivery engine.
 */
export function platformSmtp(env: Env): SmtpConfig {
  const cfg = config(env);
  return { host: cfg.SMTP_HOST, port: cfg.SMTP_PORT, username: env.SMTP_USER, password: env.SMTP_PASS, startTls: cfg.SMTP_PORT === 587 };
}

/** Platform mail goes through the jobs queue: retried with backoff, never lost with a request. */
export async function sendSystemEmail(env: Env, mail: SystemEmail): Promise<void> {
  const { text, html } = renderSystemEmail(mail);
  await env.JOBS_QUEUE.send({ type: 'system_email', to: mail.to, subject: mail.subject, text, html });
}
