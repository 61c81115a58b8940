import { LogLevel, WorkerMailer } from 'worker-mailer';

export interface SmtpConfig {
  host: string;
  port: number;
  secure?: boolean;
  startTls?: boolean;
  username?: string;
  password?: string;
}

export interface SimpleMessage {
  from: string;
  to: string;
  subject: string;
  text: string;
  html: string;
  headers?: Record<string, string>;
}

/** "Name <addr>" → { name, email } as worker-mailer wants it. */
export function parseAddress(value: string): { name?: string; email: string } {
  const m = value.match(/^\s*"?([^"<]*?)"?\s*<([^>]+)>\s*$/);
  return m ? { name: m[1] || undefined, email: m[2]!.trim() } : { email: value.trim() };
}

/** One message over one connection: the platform's own mail (verification, resets, invitations). */
export async function sendSimpleSmtp(cfg: SmtpConfig, msg: SimpleMessage): Promise<void> {
  await WorkerMailer.send(
    {
      host: cfg.host,
      port: cfg.port,
      secure: cfg.secure ?? false,
      startTls: cfg.startTls ?? false,
      ...(cfg.username ? { credentials: { username: cfg.username, password: cfg.password ?? '' } } : {}),
      logLevel: LogLevel.WARN,
      socketTimeoutMs: 10_000,
      responseTimeoutMs: 10_000,
    },
    { from: parseAddress(msg.from), to: parseAddress(msg.to), subject: msg.subject, text: msg.text, html: msg.html, headers: msg.headers },
  );
}
