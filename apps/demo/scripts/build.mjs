#!/usr/bin/env node
// Builds what the demo runs, when it is not up to date: the @kuiper packages' dist (what a published
// install loads) and `next build`. "Up to date" means no source file is newer than the stamp written
// by the last successful build. One build at a time: a lock directory, so parallel test files (or a
// test run beside `npm start`) share one build instead of racing.
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const demo = fileURLToPath(new URL('..', import.meta.url));
const root = join(demo, '..', '..');
const stamp = join(demo, '.build-stamp');
const lock = join(demo, '.build-lock');
const PACKAGES = ['protocol', 'server', 'client', 'collab'];
const DEMO_INPUTS = ['app', 'components', 'server', 'next.config.ts', 'package.json', 'tsconfig.json'];

function newest(path) {
  if (!existsSync(path)) return 0;
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  let latest = stat.mtimeMs;
  for (const name of readdirSync(path)) latest = Math.max(latest, newest(join(path, name)));
  return latest;
}

function stale() {
  if (!existsSync(stamp) || !existsSync(join(demo, '.next', 'BUILD_ID'))) return true;
  const inputs = [...PACKAGES.flatMap((p) => [join(root, 'packages', p, 'src'), join(root, 'packages', p, 'package.json')]), ...DEMO_INPUTS.map((p) => join(demo, p))];
  const built = statSync(stamp).mtimeMs;
  return inputs.some((path) => newest(path) > built);
}

let current; // the step running now, ended with the build if it is interrupted

/** Runs a build step; `emittedDespiteErrors` is tsc's exit 2: type errors, but every file written. */
async function run(command, args, cwd, { emittedDespiteErrors = false } = {}) {
  current = spawn('nice', ['-n', '5', command, ...args], { cwd, stdio: 'inherit', env: { ...process.env, NODE_ENV: 'production', NEXT_TELEMETRY_DISABLED: '1' } });
  const status = await new Promise((resolve) => current.once('exit', (code) => resolve(code)));
  current = undefined;
  if (status === 2 && emittedDespiteErrors) {
    // `npm test` type-checks every package on its own; here only the emitted JavaScript matters.
    console.warn(`[kuiper demo] ${args.join(' ')}: type errors above, JavaScript emitted`);
    return;
  }
  if (status !== 0) throw new Error(`${command} ${args.join(' ')} failed (exit ${status})`);
}

async function acquire() {
  const deadline = Date.now() + 10 * 60_000;
  for (;;) {
    try {
      mkdirSync(lock);
      return;
    } catch {
      // A lock left by a build that was killed is older than any real build takes.
      if (existsSync(lock) && Date.now() - statSync(lock).mtimeMs > 10 * 60_000) rmSync(lock, { recursive: true, force: true });
      if (Date.now() > deadline) throw new Error(`waited 10 minutes for ${lock}`);
      await new Promise((r) => setTimeout(r, 500));
    }
  }
}

if (!stale()) process.exit(0);
await acquire();
// A build interrupted (Ctrl-C, a test run stopped) must not leave the lock behind.
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, () => {
    current?.kill(signal);
    rmSync(lock, { recursive: true, force: true });
    process.exit(1);
  });
}
try {
  if (stale()) {
    const started = Date.now();
    console.log('[kuiper demo] building @kuiper packages and the Next app…');
    const tsc = join(root, 'node_modules', '.bin', 'tsc');
    for (const p of PACKAGES) {
      const dir = join(root, 'packages', p);
      const built = join(demo, '.build-stamp-' + p); // this package's dist is newer than its sources
      if (existsSync(built) && newest(join(dir, 'src')) <= statSync(built).mtimeMs) continue;
      const began = Date.now();
      await run(tsc, ['-p', join(dir, 'tsconfig.build.json')], root, { emittedDespiteErrors: true });
      writeFileSync(built, '');
      utimesSync(built, began / 1000, began / 1000);
    }
    await run(join(demo, 'node_modules', '.bin', 'next'), ['build'], demo);
    // Dated when the build began: a source saved while it ran is newer, so the next run builds again.
    writeFileSync(stamp, `${new Date(started).toISOString()}\n`);
    utimesSync(stamp, started / 1000, started / 1000);
    console.log(`[kuiper demo] built in ${Math.round((Date.now() - started) / 1000)} s`);
  }
} finally {
  rmSync(lock, { recursive: true, force: true });
}
