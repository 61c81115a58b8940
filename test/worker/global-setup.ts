import { createServer } from 'node:net';
import { MailDev } from 'maildev';
import type { TestProject } from 'vitest/node';
import { startFakeSmtp } from './fake-smtp';
import { startSnsCertServer } from './sns-cert-server';
import { startWebhookReceiver } from './webhook-receiver';

/** A free TCP port on loopback, so the worker tests never collide with a running dev stack. */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => resolve(port));
    });
  });
}

/**
 * A real SMTP sink for the worker tests: platform mail (verification, resets, invitations) goes
 * through the jobs queue and worker-mailer to this maildev, and tests read it back over its API.
 */
export default async function setup(project: TestProject) {
  const [smtp, web] = [await freePort(), await freePort()];
  const maildev = new MailDev({ smtp, web, ip: '127.0.0.1', webIp: '127.0.0.1', silent: true });
  await maildev.start();
  project.provide('smtpPort', smtp);
  project.provide('maildevUrl', `http://127.0.0.1:${web}`);
  // SMTP servers that refuse on cue, for the SMTP transport's error mapping (test/worker/transport-smtp.test.ts).
  const fakeSmtp = await startFakeSmtp();
  project.provide('fakeSmtpPorts', fakeSmtp.ports);
  // Where outbound webhooks go (test/worker/webhooks.test.ts).
  const receiver = await startWebhookReceiver();
  project.provide('webhookReceiverUrl', receiver.url);
  // AWS SNS's certificate host, for the inbound SES webhook (test/worker/delivery-hooks.test.ts).
  const sns = await startSnsCertServer();
  project.provide('snsOrigin', sns.origin);
  project.provide('snsPrivateKey', sns.privateKey);
  return async () => {
    await Promise.all([maildev.stop(), fakeSmtp.close(), receiver.close(), sns.close()]);
  };
}

declare module 'vitest' {
  export interface ProvidedContext {
    smtpPort: number;
    maildevUrl: string;
    fakeSmtpPorts: { relay: number; auth: number; refused: number };
    webhookReceiverUrl: string;
    snsOrigin: string;
    snsPrivateKey: string;
  }
}
