/**
 * The SQLite recorder's writer thread: its own connection to the database file, where applied
 * hits are committed, off the event loop that serves HTTP. On a
 * 2-core machine the HTTP work and the SQLite work then run side by side instead of in turn.
 *
 * Two requests. `apply` (the journal's hits): the thread gets the journal lines, or reads them
 * back from the journal file itself (a byte range), reads the victims inside `BEGIN IMMEDIATE`,
 * plans (planHits, hit-plan.cjs) and writes, all in one transaction; nothing to compare, as it
 * holds the write lock from its reads to its commit. `write` (planned on the main thread): it
 * carries the victims as they were when it was planned, and inside `BEGIN IMMEDIATE` the thread
 * reads them again and writes nothing if any of them differs (the caller plans again from a
 * fresh read). Either is answered after COMMIT returned.
 *
 * A `write`'s rows travel as arrays (column order fixed by the statements), structured-cloned. The thread's
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
  /** A victim's state columns (STATE_COLUMNS) by id, as an object. */
  readState: string;
  /**
   * A repeated hit's update: updated_at, then the `touchColumns`, then id. It leaves the
   * milestones alone, so that SQLite does not rewrite the index entries that depend on them.
   */
  touchVictim: string;
  touchColumns: readonly string[];
  /** Column order of updateVictim's state parameters (id first) and of bump's counters. */
  stateColumns: readonly string[];
  hitCounters: readonly string[];
  /** hit-plan.cjs: planHits, which the thread runs between its reads and its writes. */
  planModule: string;
}

/** Journal lines in a journal file: bytes `start` to `end` (whole lines). */
export interface JournalRange {
  file: string;
  /** The file as the process holds it open (HitJournal.fd), read instead of opening `file`: its hits are applied even if the file was deleted. */
  fd?: number;
  start: number;
  end: number;
}

/**
 * Hits to apply, as journal lines (given, or read from the journal file by the thread): the
 * thread reads their victims, plans (planHits) and writes, in one transaction.
 */
export interface WriterApply {
  text?: string;
  range?: JournalRange;
  /** journal parameters, or null. */
  journal: unknown[] | null;
  updatedAt: string;
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

type Request = ({ op: 'write' } & WriterBatch) | ({ op: 'apply' } & WriterApply);

const SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const fs = require('node:fs');
const Database = require(workerData.driver);
const s = workerData.statements;
const db = new Database(workerData.file);
db.pragma('journal_mode = WAL');
db.pragma('synchronous = NORMAL');
// Waiting for another connection's write lock blocks this thread only, never the event loop.
db.pragma('busy_timeout = 5000');
// No foreign-key checks on this connection: every row it writes belongs to a victim it has just
// read (or compared) inside the same write transaction, and a victim's client, campaign and
// scenario exist while it does (victims reference them, ON DELETE CASCADE). The checks would
// look up three parents per event row, a third of the cost of writing a hit.
db.pragma('foreign_keys = OFF');
// Checkpoints run on a thread of their own (recorder-store.ts).
db.pragma('wal_autocheckpoint = 0');
// The pages hits touch (victims, the events' index by victim) stay in memory: 64 MB of cache, and
// reads straight from the file's mapping instead of a read() per page.
db.pragma('cache_size = -65536');
db.pragma('mmap_size = 268435456');
let read, insertEvent, updateVictim, bump, journal, readState, touchVictim;
try {
  read = { plain: db.prepare(s.read.plain).raw(true), person: db.prepare(s.read.person).raw(true) };
  insertEvent = db.prepare(s.insertEvent);
  updateVictim = db.prepare(s.updateVictim);
  bump = db.prepare(s.bump);
  journal = db.prepare(s.journal);
  readState = db.prepare(s.readState);
  touchVictim = db.prepare(s.touchVictim);
} catch (err) {
  // A plain Error: the driver's own error class reaches the main thread without its message.
  throw Object.assign(new Error('tracking: the writer thread cannot prepare its statements: ' + err.message), { code: err.code });
}
const MILESTONES = s.stateColumns.filter((c) => !s.touchColumns.includes(c) && c !== 'id');
const { planHits } = require(s.planModule);

// The victims' state as this connection last wrote or read it. Exact as long as no other
// connection committed since: PRAGMA data_version (read inside the write lock) says so, and
// when it changed the cache is dropped and the victims are read again.
const states = new Map();
const MAX_STATES = 50000;
let dataVersion = -1;

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
    // Victims written here are not in apply()'s cache as they are now.
    states.clear();
    return true;
  } catch (err) {
    if (db.inTransaction) db.exec('rollback');
    throw err;
  }
}

/** The lines of a journal range, read from the file (the event loop never holds them after their write). */
function linesOf(range) {
  const buf = Buffer.allocUnsafe(range.end - range.start);
  const fd = range.fd ?? fs.openSync(range.file, 'r');
  try {
    let off = 0;
    while (off < buf.length) {
      const n = fs.readSync(fd, buf, off, buf.length - off, range.start + off);
      if (n === 0) throw new Error('tracking: the journal ' + range.file + ' ends before byte ' + range.end);
      off += n;
    }
  } finally {
    if (range.fd === undefined) fs.closeSync(fd);
  }
  return buf.toString('utf8');
}

function apply(m) {
  const entries = [];
  const text = m.range ? linesOf(m.range) : m.text;
  for (const line of text.split('\\n')) {
    if (!line) continue;
    const a = JSON.parse(line);
    entries.push({ flags: a[1], event: a.slice(2) });
  }
  db.exec('begin immediate');
  try {
    const version = db.pragma('data_version', { simple: true });
    if (version !== dataVersion) states.clear();
    dataVersion = version;
    const before = new Map();
    const w = planHits(entries, (id) => {
      let r = states.get(id);
      if (r === undefined) r = readState.get(id);
      if (r) before.set(id, r);
      return r;
    });
    for (const e of w.events) insertEvent.run(e);
    for (const v of w.victims) {
      const was = before.get(v.id);
      const row = [m.updatedAt];
      if (MILESTONES.every((c) => v[c] === was[c])) {
        for (const c of s.touchColumns) row.push(v[c]);
        row.push(v.id);
        touchVictim.run(row);
        continue;
      }
      for (let i = 1; i < s.stateColumns.length; i++) row.push(v[s.stateColumns[i]]);
      row.push(v.id);
      updateVictim.run(row);
    }
    for (const c of w.counters) {
      const row = [c.key.clientId, c.key.campaignId, c.key.scenarioId];
      for (const n of s.hitCounters) row.push(c.deltas[n] || 0);
      bump.run(row);
    }
    if (m.journal) journal.run(m.journal);
    db.exec('commit');
    for (const [id, r] of before) states.set(id, r);
    // planHits made these objects (copies of what was read, then changed): kept as they are.
    for (const v of w.victims) states.set(v.id, v);
    if (states.size > MAX_STATES) states.clear();
    return w.events.length;
  } catch (err) {
    if (db.inTransaction) db.exec('rollback');
    states.clear();
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
    if (m.op === 'apply') parentPort.postMessage({ seq: m.seq, recorded: apply(m) });
    else parentPort.postMessage({ seq: m.seq, ok: write(m) });
  } catch (err) {
    parentPort.postMessage({ seq: m.seq, error: { message: String(err && err.message), code: err && err.code } });
  }
});
`;

interface Waiting {
  resolve: (v: { ok?: boolean; recorded?: number }) => void;
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
      // A young generation large enough for a whole apply's parsed lines: far fewer scavenges.
      resourceLimits: { maxYoungGenerationSizeMb: 64 },
    });
    this.worker.unref();
    this.worker.on('message', (m: { seq: number; ok?: boolean; recorded?: number; error?: { message: string; code?: string } }) => {
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

  /** Applies hits (reads their victims, plans, writes, commits); answers how many events it wrote. */
  async apply(batch: WriterApply): Promise<number> {
    return (await this.request({ op: 'apply', ...batch })).recorded ?? 0;
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

  private request(req: Request): Promise<{ ok?: boolean; recorded?: number }> {
    if (this.dead) return Promise.reject(this.dead);
    return new Promise((resolve, reject) => {
      const seq = ++this.seq;
      if (!this.waiting.size) this.worker.ref();
      this.waiting.set(seq, { resolve, reject });
      this.worker.postMessage({ ...req, seq });
    });
  }
}
