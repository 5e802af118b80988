/** The installed command: `decoy serve` as a real process. */
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { randomBytes } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';

const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

function tempDir() {
  const d = mkdtempSync(path.join(tmpdir(), 'decoy-cli-'));
  dirs.push(d);
  return d;
}

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = net.createServer().listen(0, '127.0.0.1', () => {
      const port = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(port));
    });
  });
}

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs `decoy serve` until it exits, or until `until` matches stdout (then stops it). */
function runDecoy(args: string[], env: Record<string, string>, until?: RegExp, onReady?: (stdout: string) => Promise<void>): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['bin/decoy.js', ...args], {
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    let triggered = false;
    const timer = setTimeout(() => child.kill('SIGKILL'), 45_000);
    child.stdout.on('data', (d) => {
      stdout += d;
      if (until && !triggered && until.test(stdout)) {
        triggered = true;
        (onReady ? onReady(stdout) : Promise.resolve()).then(
          () => child.kill('SIGTERM'),
          (err) => {
            child.kill('SIGTERM');
            reject(err);
          },
        );
      }
    });
    child.stderr.on('data', (d) => (stderr += d));
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

describe('decoy serve', () => {
  /** A first start in `dir`: the password file the console names, its mode and text, and whether that password signs in. */
  async function firstStart(dir: string) {
    const [adminPort, trackingPort] = [await freePort(), await freePort()];
    const out = { file: '', mode: 0, password: '', signIn: 0, robots: '', adminPort, modes: {} as Record<string, number> };
    const run = await runDecoy(
      ['serve'],
      { DECOY_DATA_DIR: dir, DECOY_ADMIN_ADDR: `127.0.0.1:${adminPort}`, DECOY_TRACKING_ADDR: `127.0.0.1:${trackingPort}` },
      /Decoy tracking:/,
      async (stdout) => {
        out.file = /its password is in (\S+) /.exec(stdout)?.[1] ?? '';
        out.mode = statSync(out.file).mode & 0o777;
        out.password = readFileSync(out.file, 'utf8').trim();
        const res = await fetch(`http://127.0.0.1:${adminPort}/api/auth`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ email: 'admin@localhost', password: out.password }),
        });
        out.signIn = res.status;
        out.robots = await (await fetch(`http://127.0.0.1:${trackingPort}/robots.txt`)).text();
        // What the running server has on disk, with each entry's mode (the data directory as '.').
        const walk = (rel: string) => {
          const full = path.join(dir, rel);
          out.modes[rel || '.'] = statSync(full).mode & 0o777;
          if (statSync(full).isDirectory()) for (const name of readdirSync(full)) walk(path.join(rel, name));
        };
        walk('');
      },
    );
    expect(run.code === 0 || run.code === null).toBe(true);
    expect(run.stdout).toMatch(/created the first super admin admin@localhost; its password is in /);
    expect(out.password.length).toBeGreaterThanOrEqual(12);
    expect(run.stdout + run.stderr).not.toContain(out.password);
    expect(out.mode).toBe(0o600);
    expect(out.signIn).toBe(200);
    return { ...out, run };
  }

  it('starts both servers on SQLite, creates the first admin with a password in a private file (not printed) that works, and says where to go', async () => {
    const dir = tempDir();
    const first = await firstStart(dir);
    expect(first.file).toBe(path.join(dir, 'initial-admin-password'));
    expect(first.run.stdout).toContain(`http://127.0.0.1:${first.adminPort}/`);
    expect(first.robots).toContain('Disallow: /');
    // Nothing else of it is left in the data directory.
    expect(readdirSync(dir).filter((n) => n.includes('admin-password'))).toEqual(['initial-admin-password']);
  });

  it('keeps what it writes in a new data directory to its own user (the database and its WAL, the secret), whatever the umask', async () => {
    const dir = path.join(tempDir(), 'data');
    // The usual umask, which leaves files readable by all unless their mode says otherwise.
    const umask = process.umask(0o022);
    const { modes } = await firstStart(dir).finally(() => process.umask(umask));
    for (const name of ['decoy.db', 'decoy.db-wal', 'decoy.db-shm', 'secret', 'initial-admin-password']) expect([name, modes[name]]).toEqual([name, 0o600]);
    expect(modes['.']).toBe(0o700);
    // Every entry: nothing readable by the group or others.
    expect(Object.entries(modes).filter(([, mode]) => mode & 0o077)).toEqual([]);
    expect(Object.keys(modes).sort()).toEqual(['.', 'decoy.db', 'decoy.db-shm', 'decoy.db-wal', 'initial-admin-password', 'secret']);
  });

  it("replaces an older password file (a previous install's, readable by all) with a private one", async () => {
    const dir = tempDir();
    writeFileSync(path.join(dir, 'initial-admin-password'), 'stale\n', { mode: 0o644 });
    const first = await firstStart(dir);
    expect(first.file).toBe(path.join(dir, 'initial-admin-password'));
    expect(first.password).not.toBe('stale');
  });

  it('names the file the password is in when it cannot take its usual name', async () => {
    const dir = tempDir();
    mkdirSync(path.join(dir, 'initial-admin-password', 'in-the-way'), { recursive: true });
    const first = await firstStart(dir);
    expect(first.file).toMatch(/\/\.initial-admin-password\.\d+\.tmp$/);
  });

  it('--only admin starts the admin server alone', async () => {
    const dir = tempDir();
    const [adminPort, trackingPort] = [await freePort(), await freePort()];
    let trackingRefused = false;
    const run = await runDecoy(
      ['serve', '--only', 'admin'],
      { DECOY_DATA_DIR: dir, DECOY_ADMIN_ADDR: `127.0.0.1:${adminPort}`, DECOY_TRACKING_ADDR: `127.0.0.1:${trackingPort}`, DECOY_ADMIN_EMAIL: 'boss@example.org', DECOY_ADMIN_PASSWORD: 'a-long-enough-password' },
      /Decoy admin:/,
      async () => {
        trackingRefused = await fetch(`http://127.0.0.1:${trackingPort}/robots.txt`).then(() => false, () => true);
      },
    );
    expect(run.stdout).toMatch(/created the first super admin boss@example.org \(password from DECOY_ADMIN_PASSWORD\)/);
    expect(run.stdout).not.toContain('a-long-enough-password');
    expect(run.stdout).not.toContain('Decoy tracking:');
    expect(trackingRefused).toBe(true);
  });

  it.runIf(process.env.DECOY_TEST_DATABASE_URL?.startsWith('postgres'))('runs the same product on PostgreSQL', async () => {
    const base = process.env.DECOY_TEST_DATABASE_URL!;
    const name = `decoy_cli_${randomBytes(4).toString('hex')}`;
    const admin = new pg.Client({ connectionString: base });
    await admin.connect();
    await admin.query(`CREATE DATABASE ${name}`);
    try {
      const url = new URL(base);
      url.pathname = `/${name}`;
      const port = await freePort();
      // A data directory that cannot take the generated password: the start stops with one clear
      // line, and no admin is created (whose password nobody would know).
      const notADirectory = path.join(tempDir(), 'a-file');
      writeFileSync(notADirectory, '');
      const refused = await runDecoy(['serve', '--only', 'admin'], {
        DECOY_DATA_DIR: path.join(notADirectory, 'data'),
        DECOY_SECRET: randomBytes(24).toString('base64url'),
        DECOY_DATABASE_URL: url.toString(),
        DECOY_ADMIN_ADDR: `127.0.0.1:${port}`,
      });
      expect(refused.code).toBe(1);
      expect(refused.stderr.trim()).toMatch(/^decoy: DECOY_DATA_DIR: cannot write the first super admin's password to \S+\/a-file\/data\/\S+ \(ENOTDIR\); set DECOY_ADMIN_PASSWORD/);
      const users = new pg.Client({ connectionString: url.toString() });
      await users.connect();
      expect((await users.query('SELECT count(*)::int AS n FROM users')).rows[0].n).toBe(0);
      await users.end();
      let signIn = 0;
      await runDecoy(
        ['serve', '--only', 'admin'],
        { DECOY_DATA_DIR: tempDir(), DECOY_DATABASE_URL: url.toString(), DECOY_ADMIN_ADDR: `127.0.0.1:${port}`, DECOY_ADMIN_EMAIL: 'pg@example.org', DECOY_ADMIN_PASSWORD: 'a-long-enough-password' },
        /Decoy admin:/,
        async () => {
          const res = await fetch(`http://127.0.0.1:${port}/api/auth`, {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify({ email: 'pg@example.org', password: 'a-long-enough-password' }),
          });
          signIn = res.status;
        },
      );
      expect(signIn).toBe(200);
      const tables = await new pg.Client({ connectionString: url.toString() });
      await tables.connect();
      const { rows } = await tables.query(`SELECT count(*)::int AS n FROM scenario_templates`);
      await tables.end();
      expect(rows[0].n).toBeGreaterThanOrEqual(0);
    } finally {
      await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await admin.end();
    }
  });

  const bad: [string, Record<string, string>, RegExp][] = [
    ['a bad database URL', { DECOY_DATABASE_URL: 'mysql://localhost/x' }, /^decoy: DECOY_DATABASE_URL: expected sqlite:<file> or postgres:/],
    ['an unreachable database', { DECOY_DATABASE_URL: 'postgres://decoy:s3cret@127.0.0.1:1/decoy' }, /^decoy: DECOY_DATABASE_URL: cannot connect to postgres:\/\/decoy:\*\*\*@127\.0\.0\.1:1\/decoy/],
    ['a bad address', { DECOY_ADMIN_ADDR: 'localhost' }, /^decoy: DECOY_ADMIN_ADDR: expected host:port/],
    ['a bad public URL', { DECOY_PUBLIC_URL: 'ftp://x' }, /^decoy: DECOY_PUBLIC_URL: unsupported scheme/],
    ['a bad trusted proxy', { DECOY_TRUSTED_PROXIES: '10.0.0.0/33' }, /^decoy: DECOY_TRUSTED_PROXIES:/],
    ['a bad tracking journal setting', { DECOY_TRACKING_JOURNAL: 'sometimes' }, /^decoy: DECOY_TRACKING_JOURNAL: expected auto, on, database or off/],
  ];
  for (const [what, env, message] of bad) {
    it(`stops with one clear line and exit code 1 on ${what}`, async () => {
      const run = await runDecoy(['serve'], { DECOY_DATA_DIR: tempDir(), ...env });
      expect(run.code).toBe(1);
      expect(run.stderr.trim().split('\n')).toHaveLength(1);
      expect(run.stderr.trim()).toMatch(message);
      expect(run.stderr).not.toContain('s3cret');
    });
  }

  it('stops with one clear line when the port is in use', async () => {
    const blocker = net.createServer();
    const port = await new Promise<number>((r) => blocker.listen(0, '127.0.0.1', () => r((blocker.address() as net.AddressInfo).port)));
    try {
      const run = await runDecoy(['serve'], { DECOY_DATA_DIR: tempDir(), DECOY_ADMIN_ADDR: `127.0.0.1:${port}`, DECOY_TRACKING_ADDR: `127.0.0.1:${await freePort()}` });
      expect(run.code).toBe(1);
      expect(run.stderr.trim()).toBe(`decoy: DECOY_ADMIN_ADDR: 127.0.0.1:${port} is already in use`);
    } finally {
      blocker.close();
    }
  });
});
