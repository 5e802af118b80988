#!/usr/bin/env node
// npm test: typecheck, lint, then every test on SQLite, and again on PostgreSQL when
// DECOY_TEST_POSTGRES_URL is set (.ci/run sets it to a throwaway server).
import { spawnSync } from 'node:child_process';

const extra = process.argv.slice(2);
function run(label, cmd, args, env = {}) {
  console.log(`\n== ${label}`);
  const r = spawnSync(cmd, args, { stdio: 'inherit', env: { ...process.env, ...env } });
  if (r.status !== 0) {
    console.error(`\n== ${label}: failed`);
    process.exit(r.status ?? 1);
  }
}

run('typecheck', 'npx', ['tsc', '--noEmit', '-p', '.']);
run('lint', 'npx', ['eslint', '.']);
run('tests on SQLite', 'npx', ['vitest', 'run', ...extra], { DECOY_TEST_DATABASE_URL: '' });
if (process.env.DECOY_TEST_POSTGRES_URL) {
  run('tests on PostgreSQL', 'npx', ['vitest', 'run', ...extra], { DECOY_TEST_DATABASE_URL: process.env.DECOY_TEST_POSTGRES_URL });
} else {
  console.log('\n== tests on PostgreSQL: skipped (set DECOY_TEST_POSTGRES_URL, or run .ci/run)');
}
