// `npm start`: the whole local stack in one terminal, stopped with Ctrl-C. See README "Quick start".
import { DEFAULT_PORTS, startStack, stopStack } from './stack.mjs';

/** Port from the environment (e.g. API_PORT=9787 npm start), or the documented default. */
function portFromEnv(name, fallback) {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const port = Number(raw);
  if (!Number.isInteger(port) || port < 1 || port > 65535) throw new Error(`${name}=${raw} is not a valid port number.`);
  return port;
}

function banner(stack) {
  const { urls, smtp, logins, dashboardError } = stack;
  const row = (label, value) => `   ${label.padEnd(22)} ${value}`;
  return [
    '',
    '━'.repeat(72),
    '  Edgepost is running',
    '',
    row('API', urls.api),
    row('API docs', urls.docs),
    row('Dashboard', dashboardError ? 'not running (see the error above)' : urls.dashboard),
    row('Mail inbox (maildev)', `${urls.mail}   (SMTP ${smtp.host}:${smtp.port})`),
    '',
    '  Logins (passwords from .dev.vars)',
    ...logins.map((l) => row(l.label, `${l.email}   ${l.password}`)),
    `   ${''.padEnd(22)} super-admin 2FA: \`npm run admin-code\` prints the current code`,
    '',
    '  Ctrl-C stops everything.',
    '━'.repeat(72),
    '',
  ].join('\n');
}

let stopping = false;
async function shutdown(exitCode) {
  if (stopping) return;
  stopping = true;
  console.log('\nStopping the stack…');
  await stopStack();
  process.exit(exitCode);
}
process.on('SIGINT', () => shutdown(130));
process.on('SIGTERM', () => shutdown(143));

async function main() {
  const stack = await startStack({
    ports: {
      api: portFromEnv('API_PORT', DEFAULT_PORTS.api),
      dashboard: portFromEnv('DASHBOARD_PORT', DEFAULT_PORTS.dashboard),
      smtp: portFromEnv('SMTP_PORT', DEFAULT_PORTS.smtp),
      maildevWeb: portFromEnv('MAILDEV_WEB_PORT', DEFAULT_PORTS.maildevWeb),
    },
  });
  if (stopping) return; // Ctrl-C during the start: shutdown() is already under way
  if (stack.dashboardError) console.error(`\n✖ The dashboard did not start; the API and mail sink run without it.\n${stack.dashboardError}`);
  console.log(banner(stack));
  // A service that dies leaves a half-working stack: say which one and stop the rest.
  for (const service of Object.values(stack.services)) {
    service.exited.then((code) => {
      if (stopping) return;
      console.error(`\n✖ ${service.name} exited unexpectedly (${code}); stopping the stack.`);
      shutdown(1);
    });
  }
}

main().catch((err) => {
  if (stopping) return;
  console.error(`\n✖ The stack did not start: ${err.message}`);
  shutdown(1);
});
