import { createServer, type IncomingHttpHeaders } from 'node:http';

export interface ReceivedWebhook {
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
}

/**
 * A webhook receiver on loopback for the worker tests. The path picks the answer: `/ok/…` 200,
 * `/fail/…` 500, `/gone/…` 410, `/redirect/…` 302 to an `/ok/` path, `/slow-retry/…` 503 with
 * `Retry-After: 1`. `GET /received?prefix=/ok/x` lists what arrived under a prefix.
 */
export async function startWebhookReceiver() {
  const received: ReceivedWebhook[] = [];
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://receiver');
    if (req.method === 'GET' && url.pathname === '/received') {
      const prefix = url.searchParams.get('prefix') ?? '/';
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(received.filter((r) => r.path.startsWith(prefix))));
      return;
    }
    let body = '';
    req.on('data', (chunk) => (body += chunk));
    req.on('end', () => {
      received.push({ path: url.pathname, headers: req.headers, body });
      const kind = url.pathname.split('/')[1];
      if (kind === 'ok') res.writeHead(200).end('thanks');
      else if (kind === 'gone') res.writeHead(410).end('gone for good');
      else if (kind === 'redirect') res.writeHead(302, { location: '/ok/redirected' }).end();
      else if (kind === 'slow-retry') res.writeHead(503, { 'retry-after': '1' }).end('busy');
      else res.writeHead(500).end('it broke: ' + 'x'.repeat(1000));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return { url: `http://127.0.0.1:${port}`, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}
