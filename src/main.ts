import type { FastifyInstance } from 'fastify';
import { mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { buildAdminServer } from './api/server.ts';
import { ConfigError, type Address, type Config } from './config.ts';
import { createCore, type Core } from './core/index.ts';
import { seedReferenceData } from './core/seed.ts';
import { randomPassword } from './core/access/passwords.ts';
import { migrate, openDatabase } from './db/index.ts';
import { buildTrackingServer } from './tracking/server.ts';
import { wireSending } from './mail/outbox-worker.ts';
import { wireReminders } from './mail/training-reminders.ts';
import { parseSmtpUrl } from './mail/transport.ts';
import { PRIVATE_DIR, PRIVATE_FILE } from './private-files.ts';

export type Part = 'admin' | 'tracking' | 'worker';

export interface Running {
  core: Core;
  admin?: FastifyInstance;
  tracking?: FastifyInstance;
  stop(): Promise<void>;
}

/** Composition root: config -> database -> services -> servers. */
export async function startDecoy(config: Config, parts: Part[], print: (line: string) => void = console.log): Promise<Running> {
  // A bad relay URL stops the start with one line, like every other setting.
  if (config.smtpUrl) parseSmtpUrl(config.smtpUrl);
  const database = await openDatabase(config.databaseUrl);
  await migrate(database);
  const core = createCore(database, config);
  await seedReferenceData(core);
  // Hits answered by a tracking process that was killed, still in its journal (it says how many).
  await core.tracking.recover();

  const sending = wireSending(core);
  if (parts.includes('worker')) sending.worker.start();
  // Training reminder mails go through the same mailer, from the worker part.
  const reminders = wireReminders(core, sending.mailer);
  if (parts.includes('worker')) reminders.start();
  const running: Running = {
    core,
    async stop() {
      await reminders.stop();
      await sending.close();
      await core.exports.idle();
      await core.reports.idle();
      await core.certificates.idle();
      await running.admin?.close();
      await running.tracking?.close();
      // Without a tracking server too: the recovery of hit journals in the database stops.
      await core.tracking.close();
      await database.close();
    },
  };
  try {
    if (parts.includes('admin')) {
      running.admin = await buildAdminServer(core);
      await listen(running.admin, config.adminAddr, 'DECOY_ADMIN_ADDR');
    }
    if (parts.includes('tracking')) {
      running.tracking = await buildTrackingServer(core);
      await listen(running.tracking, config.trackingAddr, 'DECOY_TRACKING_ADDR');
    }
  } catch (err) {
    await running.stop().catch(() => {});
    throw err;
  }

  // Only once the servers listen, so that a password printed is a password that works.
  const email = config.adminEmail ?? 'admin@localhost';
  const password = config.adminPassword ?? randomPassword();
  // A generated password is not printed (what a process prints ends up in logs) but written to a
  // file only this user can read: first under a name of this process's own, before the admin
  // exists, so that a data directory that cannot take it stops the start with nothing created;
  // then under its final name, only if this process created the admin (several processes may
  // start at once on one PostgreSQL database).
  let passwordFile: string | null = null;
  let created: boolean;
  try {
    if (!config.adminPassword) passwordFile = writePrivate(config.dataDir, `.initial-admin-password.${process.pid}.tmp`, password);
    created = await core.access.ensureFirstAdmin(email, password);
  } catch (err) {
    if (passwordFile) rmSync(passwordFile, { force: true });
    await running.stop().catch(() => {});
    throw err;
  }
  if (passwordFile) passwordFile = created ? keepAs(passwordFile, path.join(config.dataDir, INITIAL_PASSWORD_FILE)) : (rmSync(passwordFile, { force: true }), null);

  const url = (a: Address) => `http://${a.host.includes(':') ? `[${a.host}]` : a.host}:${a.port}`;
  if (created) {
    if (passwordFile) print(`Decoy: created the first super admin ${email}; its password is in ${passwordFile} (readable by this user only: delete it once you have signed in and changed the password)`);
    else print(`Decoy: created the first super admin ${email} (password from DECOY_ADMIN_PASSWORD)`);
  }
  if (running.admin) print(`Decoy admin:    ${url(config.adminAddr)}/  (API docs: ${url(config.adminAddr)}/api/docs)`);
  if (running.tracking) print(`Decoy tracking: ${url(config.trackingAddr)}/`);
  if (parts.includes('worker')) print('Decoy worker: running');
  return running;
}

/** Where the first super admin's generated password is written, in DECOY_DATA_DIR. */
export const INITIAL_PASSWORD_FILE = 'initial-admin-password';

/** Writes `text` to a new file only this user can read (mode 0600, never a file that was there); answers it. */
function writePrivate(dir: string, name: string, text: string): string {
  const file = path.join(dir, name);
  try {
    mkdirSync(dir, { recursive: true, mode: PRIVATE_DIR });
    rmSync(file, { force: true });
    writeFileSync(file, `${text}\n`, { mode: PRIVATE_FILE, flag: 'wx' });
  } catch (err) {
    throw new ConfigError(`DECOY_DATA_DIR: cannot write the first super admin's password to ${file} (${(err as NodeJS.ErrnoException).code ?? (err as Error).message}); set DECOY_ADMIN_PASSWORD or make the directory writable`);
  }
  return file;
}

/** Renames `file` to `target` (replacing an older one); answers where it is: `file` itself if the rename failed. */
function keepAs(file: string, target: string): string {
  try {
    renameSync(file, target);
    return target;
  } catch {
    return file;
  }
}

async function listen(app: FastifyInstance, addr: Address, name: string) {
  try {
    await app.listen({ host: addr.host, port: addr.port });
  } catch (err) {
    const code = (err as { code?: string }).code;
    if (code === 'EADDRINUSE') throw new ConfigError(`${name}: ${addr.host}:${addr.port} is already in use`);
    if (code === 'EADDRNOTAVAIL' || code === 'ENOTFOUND' || code === 'EACCES') {
      throw new ConfigError(`${name}: cannot listen on ${addr.host}:${addr.port} (${code})`);
    }
    throw err;
  }
}
