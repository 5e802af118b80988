import type { FastifyInstance } from 'fastify';
import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
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
  const created = await core.access.ensureFirstAdmin(email, password);

  const url = (a: Address) => `http://${a.host.includes(':') ? `[${a.host}]` : a.host}:${a.port}`;
  if (created) {
    if (config.adminPassword) print(`Decoy: created the first super admin ${email} (password from DECOY_ADMIN_PASSWORD)`);
    // Not printed: what a process prints ends up in logs. A file only this user can read.
    else print(`Decoy: created the first super admin ${email}; its password is in ${initialPasswordFile(config.dataDir, password)} (readable by this user only: delete it once you have signed in and changed the password)`);
  }
  if (running.admin) print(`Decoy admin:    ${url(config.adminAddr)}/  (API docs: ${url(config.adminAddr)}/api/docs)`);
  if (running.tracking) print(`Decoy tracking: ${url(config.trackingAddr)}/`);
  if (parts.includes('worker')) print('Decoy worker: running');
  return running;
}

/** Writes the first super admin's generated password to DECOY_DATA_DIR/initial-admin-password (mode 0600); answers the file. */
function initialPasswordFile(dataDir: string, password: string): string {
  mkdirSync(dataDir, { recursive: true });
  const file = path.join(dataDir, 'initial-admin-password');
  writeFileSync(file, `${password}\n`, { mode: 0o600 });
  // A file that was there already keeps its mode: made private either way.
  chmodSync(file, 0o600);
  return file;
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
