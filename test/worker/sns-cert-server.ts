import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';

/**
 * Stands in for sns.<region>.amazonaws.com in the worker tests (the worker accepts this origin only
 * through SNS_TEST_ORIGIN, outside production): serves a freshly made self-signed RSA certificate at
 * `/SimpleNotificationService-test.pem`, counts subscription confirmations at `/confirm/…`
 * (`GET /confirmations?path=…` tells how many arrived). The tests sign with the private key.
 */
export async function startSnsCertServer() {
  const dir = mkdtempSync(path.join(tmpdir(), 'sns-cert-'));
  execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', path.join(dir, 'key.pem'), '-out', path.join(dir, 'cert.pem'), '-days', '2', '-subj', '/CN=sns.test-region.amazonaws.com'], { stdio: 'ignore' });
  const cert = readFileSync(path.join(dir, 'cert.pem'), 'utf8');
  // PKCS#8, as WebCrypto imports it.
  const privateKey = execFileSync('openssl', ['pkcs8', '-topk8', '-nocrypt', '-in', path.join(dir, 'key.pem')], { encoding: 'utf8' });
  rmSync(dir, { recursive: true, force: true });
  const confirmations = new Map<string, number>();
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://sns');
    if (url.pathname === '/SimpleNotificationService-test.pem') return void res.writeHead(200, { 'content-type': 'application/x-pem-file' }).end(cert);
    if (url.pathname.startsWith('/confirm/')) {
      confirmations.set(url.pathname, (confirmations.get(url.pathname) ?? 0) + 1);
      return void res.writeHead(200, { 'content-type': 'text/xml' }).end('<ConfirmSubscriptionResponse/>');
    }
    if (url.pathname === '/confirmations') return void res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(confirmations.get(url.searchParams.get('path') ?? '') ?? 0));
    res.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return { origin: `http://127.0.0.1:${port}`, privateKey, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}
