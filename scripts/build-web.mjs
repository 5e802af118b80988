#!/usr/bin/env node
// Builds the admin SPA (src/web) into dist/web with Vite, unless dist/web was built from the
// same sources: a SHA-256 of every file under src/web (and of the lockfile) is kept in
// dist/web/.build-hash. `npm start` runs this first (prestart); tests call buildWeb().
// Concurrent callers (test files running in parallel) are safe: each builds into its own
// folder and the first to finish renames it into place.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const webSrc = path.join(repo, 'src', 'web');
export const webDist = path.join(repo, 'dist', 'web');
const HASH_FILE = '.build-hash';

function files(dir) {
  const out = [];
  for (const entry of readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
    if (entry.name === 'node_modules' || entry.name === 'dist') continue;
    const p = path.join(dir, entry.name);
    if (entry.isDirectory()) out.push(...files(p));
    else out.push(p);
  }
  return out;
}

const SHARED_SOURCES = ['src/core/templates/variables.ts', 'src/core/html.ts'];

// Bump when the way of building changes, so that older builds are not reused.
const BUILD_FLAVOUR = 'production-2';

export function sourceHash() {
  const h = createHash('sha256');
  h.update(BUILD_FLAVOUR);
  for (const f of files(webSrc)) {
    h.update(path.relative(webSrc, f));
    h.update('\0');
    h.update(readFileSync(f));
    h.update('\0');
  }
  // Server modules the app imports at build time (the template variable palette).
  for (const f of SHARED_SOURCES) h.update(readFileSync(path.join(repo, f)));
  const lock = path.join(repo, 'package-lock.json');
  if (existsSync(lock)) h.update(readFileSync(lock));
  return h.digest('hex');
}

function builtHash() {
  try {
    return readFileSync(path.join(webDist, HASH_FILE), 'utf8').trim();
  } catch {
    return null;
  }
}

/** Builds when the sources changed; returns whether it built. */
export async function buildWeb({ force = false, quiet = false } = {}) {
  const hash = sourceHash();
  if (!force && builtHash() === hash && existsSync(path.join(webDist, 'index.html'))) return false;
  const { build } = await import('vite');
  const tmp = path.join(repo, 'dist', `.web-${process.pid}-${Date.now()}`);
  mkdirSync(path.dirname(tmp), { recursive: true });
  if (!quiet) console.log('Building the web app (src/web → dist/web)…');
  // Vite takes React's mode from NODE_ENV when it is set (vitest sets it to "test", which would
  // give a development build of React): the app is always built for production.
  const nodeEnv = process.env.NODE_ENV;
  process.env.NODE_ENV = 'production';
  try {
    await build({ configFile: path.join(webSrc, 'vite.config.ts'), mode: 'production', build: { outDir: tmp, emptyOutDir: true }, logLevel: quiet ? 'error' : 'warn' });
  } finally {
    if (nodeEnv === undefined) delete process.env.NODE_ENV;
    else process.env.NODE_ENV = nodeEnv;
  }
  writeFileSync(path.join(tmp, HASH_FILE), `${hash}\n`);
  if (builtHash() === hash && existsSync(path.join(webDist, 'index.html'))) {
    rmSync(tmp, { recursive: true, force: true }); // someone else finished first
    return true;
  }
  const old = `${webDist}.old-${process.pid}-${Date.now()}`;
  if (existsSync(webDist)) renameSync(webDist, old);
  try {
    renameSync(tmp, webDist);
  } catch (err) {
    if (!existsSync(path.join(webDist, 'index.html'))) throw err;
    rmSync(tmp, { recursive: true, force: true });
  }
  if (existsSync(old)) rmSync(old, { recursive: true, force: true });
  return true;
}

if (process.argv[1] && pathToFileURL(process.argv[1]).href === import.meta.url) {
  const force = process.argv.includes('--force');
  try {
    const built = await buildWeb({ force });
    if (!built) console.log('Web app is up to date (dist/web).');
    else console.log(`Web app built into ${path.relative(process.cwd(), webDist) || webDist}; ${statSync(path.join(webDist, 'index.html')).size} bytes of index.html.`);
  } catch (err) {
    console.error(`Building the web app failed: ${err instanceof Error ? err.message : String(err)}`);
    process.exit(1);
  }
}
