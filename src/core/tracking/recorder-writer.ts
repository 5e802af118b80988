/**
 * The SQLite recorder's writer thread: its own connection to the database file, where applied
 * hits are committed, off the event loop that serves HTTP. On a
 * 2-core machine the HTTP work and the SQLite work then run side by side instead of in turn.
 *
 * The thread only runs statements; what to write is decided on the main thread (recorder.ts).
 * A write carries the victims as they were when it was planned: inside `BEGIN IMMEDIATE` the
 * thread reads them again and writes nothing if any of them differs (the caller plans again
 * from a fresh read). The answer to a write is sent after COMMIT returned: the caller answers
 * the HTTP requests only then, so a 2xx still means the hit is in the database.
 *
 * Rows travel as arrays (column order fixed by the statements), structured-cloned: measured,
 * that costs the event loop a third of sending the same batch as JSON text. The thread's
 * source is plain JavaScript evaluated in the worker, so that it runs however the main thread
 * loads TypeScript. It is referenced only while a request is pending: an idle writer never
 * keeps the process alive.
 */
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';

/** The statements the thread runs, all with `?` placeholders. */
export interface WriterStatements {
  /** Victims by id, without and with the person's columns; the first column is id (to compare with `expected`). */
  read: { plain: string; person: string };
  insertEvent: string;
  /** Parameters: updated_at, the state columns but id, id. */
  updateVictim: string;
  bump: string;
  /** Parameters: journal id, seq, updated_at. */
  journal: string;
}

export interface WriterBatch {
  withPerson: boolean;
  /** The victims as planned from, as `read` returns them (arrays). */
  expected: unknown[][];
  events: unknown[][];
  /** updateVictim parameters. */
  victims: unknown[][];
  /** bump parameters. */
  counters: unknown[][];
  /** journal parameters, or null. */
  journal: unknown[] | null;
}

type Request = { op: 'write' } & WriterBatch;

const SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.driver);
const s = workerData.statements;
const db = new Database(workerData.file);
db.pragma('journal_mode = WAL');
db.pragma('synchronous = NORMAL');
// Waiting for another connection's write lock blocks this thread only, never the event loop.
db.pragma('busy_timeout = 5000');
db.pragma('foreign_keys = ON');
// Checkpoints run on a thread of their own (recorder-store.ts).
db.pragma('wal_autocheckpoint = 0');
const read = { plain: db.prepare(s.read.plain).raw(true), person: db.prepare(s.read.person).raw(true) };
const insertEvent = db.prepare(s.insertEvent);
const updateVictim = db.prepare(s.updateVictim);
const bump = db.prepare(s.bump);
const journal = db.prepare(s.journal);

function same(a, b) {
  if (!a || a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

function write(m) {
  const get = m.withPerson ? read.person : read.plain;
  db.exec('begin immediate');
  try {
    for (const e of m.expected) {
      if (!same(get.get(e[0]), e)) {
        db.exec('rollback');
        return false;
      }
    }
    for (const e of m.events) insertEvent.run(e);
    for (const v of m.victims) updateVictim.run(v);
    for (const c of m.counters) bump.run(c);
    if (m.journal) journal.run(m.journal);
    db.exec('commit');
    return true;
  } catch (err) {
    if (db.inTransaction) db.exec('rollback');
    throw err;
  }
}

parentPort.on('message', (m) => {
  if (m.op === 'close') {
    db.close();
    parentPort.close();
    return;
  }
  try {
    parentPort.postMessage({ seq: m.seq, ok: write(m) });
  } catch (err) {
    parentPort.postMessage({ seq: m.seq, error: { message: String(err && err.message), code: err && err.code } });
  }
});
`;

interface Waiting {
  resolve: (v: { rows?: unknown[][]; ok?: boolean }) => void;
  reject: (e: unknown) => void;
}

export class WriterThread {
  private readonly worker: Worker;
  private readonly waiting = new Map<number, Waiting>();
  private seq = 0;
  private dead: Error | null = null;

  constructor(file: string, statements: WriterStatements) {
    this.worker = new Worker(SOURCE, {
      eval: true,
      workerData: { driver: createRequire(import.meta.url).resolve('better-sqlite3'), file, statements },
    });
    this.worker.unref();
    this.worker.on('message', (m: { seq: number; rows?: unknown[][]; ok?: boolean; error?: { message: string; code?: string } }) => {
      const w = this.waiting.get(m.seq);
      if (!w) return;
      this.waiting.delete(m.seq);
      if (!this.waiting.size) this.worker.unref();
      if (m.error) w.reject(Object.assign(new Error(m.error.message), m.error.code ? { code: m.error.code } : {}));
      else w.resolve(m);
    });
    const fail = (err: Error) => {
      this.dead ??= err;
      for (const w of this.waiting.values()) w.reject(err);
      this.waiting.clear();
    };
    this.worker.on('error', fail);
    this.worker.on('exit', (code) => fail(new Error(`tracking: the writer thread exited (${code})`)));
  }

  /** False once the thread is gone (crashed or closed): make a new one. */
  get alive(): boolean {
    return this.dead === null;
  }

  /** Commits the batch unless a victim differs from `expected`; false (nothing written) if one does. */
  async write(batch: WriterBatch): Promise<boolean> {
    return (await this.request({ op: 'write', ...batch })).ok === true;
  }

  /** Closes the thread's connection once the requests sent before are answered. */
  close(): void {
    if (this.dead) return;
    this.dead = new Error('tracking: the writer thread is closed');
    this.worker.postMessage({ op: 'close' });
  }

  private request(req: Request): Promise<{ rows?: unknown[][]; ok?: boolean }> {
    if (this.dead) return Promise.reject(this.dead);
    return new Promise((resolve, reject) => {
      const seq = ++this.seq;
      if (!this.waiting.size) this.worker.ref();
      this.waiting.set(seq, { resolve, reject });
      this.worker.postMessage({ ...req, seq });
    });
  }
}
