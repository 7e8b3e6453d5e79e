// Shared helpers for the e2e peer provisioning scripts (Node 24, no dependencies).
import { spawn } from 'node:child_process';
import { closeSync, mkdirSync, openSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { connect, createServer } from 'node:net';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

/** Cache root shared by all peers; lives outside the repo so `git clean` and fresh clones keep it. */
export function cacheRoot() {
  const root = process.env.AGENTOPS_E2E_CACHE || join(homedir(), '.cache', 'agentops-e2e');
  mkdirSync(root, { recursive: true });
  return root;
}

/** `<cache>/run`: peer logs of this and recent runs (files older than a day are pruned). */
export function runDir() {
  const dir = join(cacheRoot(), 'run');
  mkdirSync(dir, { recursive: true });
  const cutoff = Date.now() - 24 * 3600_000;
  for (const name of readdirSync(dir)) {
    try {
      if (statSync(join(dir, name)).mtimeMs < cutoff) rmSync(join(dir, name), { force: true });
    } catch {
      // raced with another run
    }
  }
  return dir;
}

/** Print a progress line on stderr (stdout stays free for machine-readable output). */
export function log(scope, message) {
  process.stderr.write(`[e2e:${scope}] ${message}\n`);
}

/** Ask the kernel for a free loopback TCP port. */
export async function freePort() {
  return await new Promise((resolve, reject) => {
    const srv = createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

/** Resolve true when a TCP connect to 127.0.0.1:port succeeds. */
export async function canConnect(port, host = '127.0.0.1') {
  return await new Promise((resolve) => {
    const sock = connect({ port, host });
    sock.once('connect', () => {
      sock.destroy();
      resolve(true);
    });
    sock.once('error', () => resolve(false));
  });
}

/**
 * Poll `check()` until it returns a truthy value, the child exits, or the deadline passes.
 * `child.exitInfo` is set by {@link spawnLogged}.
 */
export async function waitFor(what, check, { timeoutMs, child, logFile, intervalMs = 100 }) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (child?.exitInfo) {
      throw new Error(`${what}: process exited early (${child.exitInfo})${tail(logFile)}`);
    }
    try {
      const v = await check();
      if (v) return v;
    } catch {
      // not ready yet
    }
    if (Date.now() > deadline) throw new Error(`${what}: not ready after ${timeoutMs} ms${tail(logFile)}`);
    await sleep(intervalMs);
  }
}

function tail(file) {
  if (!file) return '';
  try {
    const lines = readFileSync(file, 'utf8').trimEnd().split('\n');
    return `\n--- last lines of ${file} ---\n${lines.slice(-40).join('\n')}`;
  } catch {
    return '';
  }
}

/**
 * Spawn a long-running peer with stdout+stderr appended to `logFile`. It stays in our process group
 * (Ctrl-C reaches it too) and is killed if this process exits without stopping it. Both peers are
 * single processes (uvicorn runs inside the `litellm` CLI with one worker), so signalling the pid is enough.
 */
export function spawnLogged(cmd, args, { env, cwd, logFile }) {
  const fd = openSync(logFile, 'a');
  const child = spawn(cmd, args, { env, cwd, stdio: ['ignore', fd, fd] });
  closeSync(fd);
  child.exitInfo = undefined;
  child.once('exit', (code, signal) => {
    child.exitInfo = signal ? `signal ${signal}` : `code ${code}`;
  });
  // An e2e run that crashes must not leave peers behind.
  const onExit = () => signalChild(child, 'SIGKILL');
  process.once('exit', onExit);
  child.once('exit', () => process.removeListener('exit', onExit));
  return child;
}

function signalChild(child, signal) {
  if (child.exitInfo || child.pid === undefined) return;
  try {
    process.kill(child.pid, signal);
  } catch {
    // already gone
  }
}

/** SIGTERM, then SIGKILL after `graceMs`; resolves when the process has exited. */
export async function stopChild(child, graceMs = 5000) {
  if (child.exitInfo) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  signalChild(child, 'SIGTERM');
  const timer = setTimeout(() => signalChild(child, 'SIGKILL'), graceMs);
  await exited;
  clearTimeout(timer);
}

/** Run a command to completion, output appended to `logFile`; rejects on non-zero exit. */
export async function run(cmd, args, { env, cwd, logFile }) {
  const fd = openSync(logFile, 'a');
  writeFileSync(fd, `\n$ ${cmd} ${args.join(' ')}\n`);
  try {
    const code = await new Promise((resolve, reject) => {
      const child = spawn(cmd, args, { env, cwd, stdio: ['ignore', fd, fd] });
      child.once('error', reject);
      child.once('exit', (c, s) => resolve(s ? `signal ${s}` : c));
    });
    if (code !== 0) throw new Error(`${cmd} ${args.join(' ')} failed (${code})${tail(logFile)}`);
  } finally {
    closeSync(fd);
  }
}

/**
 * Cross-process lock (a directory holding the owner's pid) so that two test workers do not
 * provision the same peer at once. A lock whose owner is dead is taken over.
 */
export async function withLock(lockDir, fn, { timeoutMs = 30 * 60_000 } = {}) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      mkdirSync(lockDir);
      writeFileSync(join(lockDir, 'pid'), String(process.pid));
      break;
    } catch (err) {
      if (err.code !== 'EEXIST') throw err;
      let owner = Number.NaN;
      try {
        owner = Number(readFileSync(join(lockDir, 'pid'), 'utf8'));
      } catch {
        // owner is still writing its pid
      }
      if (Number.isInteger(owner) && !isAlive(owner)) {
        rmSync(lockDir, { recursive: true, force: true });
        continue;
      }
      if (Date.now() > deadline) throw new Error(`timed out waiting for lock ${lockDir}`);
      await sleep(500);
    }
  }
  try {
    return await fn();
  } finally {
    rmSync(lockDir, { recursive: true, force: true });
  }
}

function isAlive(pid) {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return err.code === 'EPERM';
  }
}

/** Milliseconds since `t0`, rounded, for timing lines. */
export function since(t0) {
  return Math.round(performance.now() - t0);
}
