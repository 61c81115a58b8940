// Child processes of the local stack: each in its own process group, so stopping a service also
// stops what it spawned (wrangler → workerd, esbuild) and nothing is left behind.
import { spawn } from 'node:child_process';
import net from 'node:net';
import { createInterface } from 'node:readline';
import { setTimeout as sleep } from 'node:timers/promises';
import { ROOT } from './paths.mjs';

const TAIL_LINES = 60;
/** Every child still running, so stopAll() can clean up at any moment (also mid-start). */
const running = new Set();
// Backstop for a parent that exits without stopAll() (process.exit, an uncaught error, a test
// runner quitting early): children live in their own process groups and would outlive it.
process.once('exit', () => {
  for (const service of running) killGroup(service, 'SIGKILL');
});

/**
 * Starts `command` in a new process group. Output lines are kept (the tail goes into error
 * messages) and, unless quiet, printed with a `[name]` prefix; with `capture`, all of stdout is kept.
 */
export function spawnService(name, command, args, { env = {}, quiet = false, capture = false, cwd = ROOT } = {}) {
  const child = spawn(command, args, {
    cwd,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  const lines = [];
  const stdout = [];
  const prefix = `[${name}]`.padEnd(12);
  for (const stream of [child.stdout, child.stderr]) {
    createInterface({ input: stream }).on('line', (line) => {
      if (capture && stream === child.stdout) stdout.push(line);
      lines.push(line);
      if (lines.length > TAIL_LINES) lines.shift();
      if (!quiet) process.stdout.write(`${prefix}${line}\n`);
    });
  }
  const service = {
    name,
    child,
    /** Resolves with the exit code (or signal name) once the process has ended and its output is read. */
    exited: new Promise((resolve) => {
      child.on('error', (err) => {
        lines.push(`failed to start ${command}: ${err.message}`);
        resolve(err.code ?? 'error');
      });
      child.on('close', (code, signal) => resolve(code ?? signal));
    }),
    tail: () => lines.join('\n'),
    /** Everything written to stdout, when started with `capture`. */
    stdout: () => stdout.join('\n'),
  };
  running.add(service);
  service.exited.then(() => running.delete(service));
  return service;
}

/** Runs a one-shot command to completion and returns its stdout; throws with its output if it fails or overruns. */
export async function runCommand(name, command, args, { timeoutMs, ...options }) {
  const service = spawnService(name, command, args, { ...options, capture: true });
  const timer = setTimeout(() => killGroup(service, 'SIGKILL'), timeoutMs);
  const code = await service.exited.finally(() => clearTimeout(timer));
  if (code !== 0) {
    const why = code === 'SIGKILL' ? `did not finish within ${timeoutMs / 1000} s` : `failed (exit ${code})`;
    throw new Error(`${name}: \`${[command, ...args].join(' ')}\` ${why}:\n${service.tail()}`);
  }
  return service.stdout();
}

function killGroup(service, signal) {
  try {
    process.kill(-service.child.pid, signal);
  } catch (err) {
    if (err.code !== 'ESRCH') throw err; // ESRCH: the whole group is already gone
  }
}

/** SIGTERM to the group, SIGKILL after `graceMs`; then SIGKILL again for stragglers (workerd). */
/** Kills a service's whole process group at once, as a crash would: no shutdown handlers run. */
export async function crashService(service) {
  if (service.child.pid === undefined) return;
  killGroup(service, 'SIGKILL');
  await service.exited;
}

export async function stopService(service, graceMs = 5_000) {
  if (service.child.pid === undefined) return;
  killGroup(service, 'SIGTERM');
  const timer = setTimeout(() => killGroup(service, 'SIGKILL'), graceMs);
  await service.exited;
  clearTimeout(timer);
  killGroup(service, 'SIGKILL');
}

/** Stops every child started by this process, newest first. */
export async function stopAll() {
  for (const service of [...running].reverse()) await stopService(service);
}

/** Fails with a clear message when something already listens on host:port. */
export async function assertPortFree(port, host, what) {
  await new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', (err) =>
      reject(
        err.code === 'EADDRINUSE'
          ? new Error(`Port ${port} on ${host} (${what}) is already in use — is another Edgepost stack or dev server running? Stop it or choose another port.`)
          : err,
      ),
    );
    server.listen({ port, host, exclusive: true }, () => server.close(resolve));
  });
}

/**
 * Polls `url` until `isReady(response)`; fails after `timeoutMs`, or at once if `service` exits,
 * with the service's last output lines so the cause is visible.
 */
export async function waitForHttp(url, { service, timeoutMs, isReady = (res) => res.ok }) {
  const deadline = Date.now() + timeoutMs;
  let last = 'no answer yet';
  let exited = false;
  service?.exited.then(() => (exited = true));
  while (Date.now() < deadline && !exited) {
    try {
      const res = await fetch(url, { signal: AbortSignal.timeout(5_000), redirect: 'manual' });
      if (await isReady(res)) return;
      last = `HTTP ${res.status}: ${(await res.text()).slice(0, 300)}`;
    } catch (err) {
      last = err.cause?.code ?? err.message;
    }
    await sleep(500);
  }
  const why = exited ? `${service.name} exited before it was ready` : `not ready after ${timeoutMs / 1000} s`;
  throw new Error(`${url}: ${why} (last: ${last})${service ? `\n--- last output of ${service.name} ---\n${service.tail()}` : ''}`);
}
