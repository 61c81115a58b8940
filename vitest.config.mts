import { cloudflareTest, readD1Migrations } from '@cloudflare/vitest-plugin';
import { generateKeyPairSync } from 'node:crypto';
import path from 'node:path';
import { defineConfig } from 'vitest/config';

// Test-only secrets: the real ones live in .dev.vars (generated on first start, never committed).
const TEST_SECRETS = {
  APP_ENV: 'test',
  LOG_LEVEL: 'warn',
  JWT_SECRET: 'test-jwt-secret-0123456789abcdef0123456789abcdef',
  TOKEN_SIGNING_KEYS: 'k1:test-token-key-0123456789abcdef0123456789',
  ENCRYPTION_KEY: '00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff',
  // A fresh platform DKIM key per run: tests read the public half back from the worker, never a fixture.
  PLATFORM_DKIM_PRIVATE_KEY: generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
};

export default defineConfig({
  test: {
    projects: [
      {
        // Unit and integration tests of Worker code, inside workerd with real local D1, DOs and queues.
        plugins: [
          cloudflareTest(async ({ inject }) => ({
            wrangler: { configPath: './wrangler.toml' },
            miniflare: {
              bindings: {
                ...TEST_SECRETS,
                // The worker's platform mail goes to the maildev started by test/worker/global-setup.ts.
                SMTP_PORT: String(inject('smtpPort')),
                MAILDEV_URL: inject('maildevUrl'),
                // Temporary send failures retry at once, so the way to the dead-letter queue takes seconds.
                SEND_RETRY_BASE_SECONDS: '0',
                // Webhooks go to the receiver on loopback (test/worker/global-setup.ts) and retry at once.
                WEBHOOK_RECEIVER_URL: inject('webhookReceiverUrl'),
                WEBHOOKS_ALLOW_PRIVATE: 'true',
                WEBHOOK_RETRY_SCALE: '0',
                // The inbound SES webhook fetches its signing certificate from this loopback stand-in for SNS.
                SNS_TEST_ORIGIN: inject('snsOrigin'),
                TEST_MIGRATIONS: await readD1Migrations(path.join(import.meta.dirname, 'migrations')),
              },
            },
          })),
        ],
        test: {
          name: 'worker',
          // Mail goes through the queue and SMTP: on a loaded 2-core machine that takes seconds.
          testTimeout: 30_000,
          include: ['test/worker/**/*.test.ts', 'worker/**/*.test.ts', 'durable-objects/**/*.test.ts'],
          exclude: ['**/*.node.test.ts'],
          setupFiles: ['./test/worker/apply-migrations.ts'],
          globalSetup: ['./test/worker/global-setup.ts'],
        },
      },
      {
        // Dashboard server modules (sessions, CSRF, API client) in Node, where Remix's CommonJS runs.
        resolve: { alias: { '~': path.join(import.meta.dirname, 'app') } },
        test: { name: 'app', environment: 'node', include: ['app/**/*.test.ts'] },
      },
      {
        // Worker modules checked against Node-only reference implementations (mailauth's DKIM verifier, a MIME parser).
        test: { name: 'node', environment: 'node', include: ['worker/**/*.node.test.ts', 'test/node/**/*.test.ts'] },
      },
      {
        // End-to-end tests in Node against the running local stack (wrangler dev, Pages, maildev, Chromium).
        test: {
          name: 'e2e',
          environment: 'node',
          include: ['test/e2e/**/*.test.ts'],
          globalSetup: ['./test/e2e/global-setup.ts'],
          testTimeout: 60_000,
          hookTimeout: 240_000,
          fileParallelism: false,
        },
      },
    ],
  },
});
