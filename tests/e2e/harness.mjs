// What both browser tests share: the real advisor binary on a free port, Debian's chromium,
// and screenshots. Everything waits on process output; the only timers are deadlines that
// turn a hang into a failure.
//
//   ADVISOR_BINARY      the advisor executable (required)
//   ADVISOR_SOURCE_DIR  the source tree (web/ is served from it); default: ../.. from here
//   ADVISOR_E2E_ARTIFACTS  where screenshots go; default: <source>/test-artifacts/e2e
//   ADVISOR_E2E_UPDATE_DOCS=1  also copy the screenshots to docs/
//   CHROMIUM            the browser; default /usr/bin/chromium
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { copyFileSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const here = path.dirname(fileURLToPath(import.meta.url));
export const BINARY = process.env.ADVISOR_BINARY;
export const SOURCE = process.env.ADVISOR_SOURCE_DIR || path.resolve(here, '../..');
const ARTIFACTS = process.env.ADVISOR_E2E_ARTIFACTS || path.join(SOURCE, 'test-artifacts', 'e2e');

// advisor serving web/ from the source tree, its stores in `db`; resolves once it listens.
// `log()` is everything it wrote to stderr.
export async function startServer({ db, port = 0, env = {}, args = [] }) {
  const child = spawn(BINARY, ['--address', '127.0.0.1', '--port', String(port), '--db', db,
    '--web-root', path.join(SOURCE, 'web'), ...args], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let log = '';
  child.stderr.on('data', (d) => { log += d; });
  const exited = once(child, 'exit');
  let out = '';
  const bound = await new Promise((resolve, reject) => {
    const deadline = setTimeout(() => reject(new Error('no "listening on" within 15 s')), 15_000);
    child.stdout.on('data', (d) => {
      out += d;
      const m = /listening on (\S+):(\d+)/.exec(out);
      if (m) { clearTimeout(deadline); resolve(Number(m[2])); }
    });
    exited.then(([code]) => { clearTimeout(deadline); reject(new Error(`advisor exited (${code}): ${log}`)); });
  });
  return { child, exited, port: bound, origin: `http://127.0.0.1:${bound}`, log: () => log };
}

export async function stopServer(s) {
  if (s.child.exitCode !== null) return;
  s.child.kill('SIGTERM');
  const kill = setTimeout(() => s.child.kill('SIGKILL'), 10_000);
  await s.exited;
  clearTimeout(kill);
}

export function launchBrowser() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    headless: true,
    args: ['--headless=new', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}

// Into the artifacts folder (and docs/ with ADVISOR_E2E_UPDATE_DOCS=1).
export async function screenshot(page, name, options = {}) {
  mkdirSync(ARTIFACTS, { recursive: true });
  const file = path.join(ARTIFACTS, name);
  await page.screenshot({ path: file, ...options });
  if (process.env.ADVISOR_E2E_UPDATE_DOCS === '1') copyFileSync(file, path.join(SOURCE, 'docs', name));
}
