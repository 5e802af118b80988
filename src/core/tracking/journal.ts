/**
 * The hit journal: where a tracking hit is durably recorded before it is answered.
 *
 * Each tracking process appends its hits to a journal file of its own under
 * `<DECOY_DATA_DIR>/tracking-journal/`, one line per hit, a whole batch of hits in one write()
 * (the same guarantee SQLite's WAL gives with `synchronous = NORMAL`: once write() returned, the
 * hit survives the process being killed; like the database, not a power cut). The recorder then
 * applies the journal to the database (events, victims, counters) in large transactions, in
 * order, and records in the same transaction how far it got (`tracking_journals.seq`), so that
 * each hit is applied exactly once.
 *
 * A process that was killed leaves its journal behind. The next process to start on the same
 * data directory applies what the database does not have yet (`recover`, before it serves),
 * then deletes the file. Journals of processes still alive (several processes may share a data
 * directory) are left alone: the file name carries the host and the process id.
 *
 * PostgreSQL keeps the journal in the database by default instead (recorder.ts,
 * recorder-store.ts): the same lines, a batch per row of tracking_journal_lines, held by the
 * process with a session-level advisory lock, and applied by another process once that lock is
 * free (its process gone).
 *
 * A line is a JSON array: `[seq, flags, ...event]`, `event` the tracking_events row in
 * EVENT_COLUMNS order (recorder-store.ts), flags JOURNAL_FLAGS. A line cut short (only after a
 * power cut) is the last one and is ignored.
 */
import { randomBytes } from 'node:crypto';
import { closeSync, fstatSync, ftruncateSync, mkdirSync, openSync, readdirSync, readFileSync, unlinkSync, writeSync } from 'node:fs';
import { hostname } from 'node:os';
import path from 'node:path';
import { HIT_FLAGS } from './hits.ts';
import { PRIVATE_DIR, PRIVATE_FILE } from '../../private-files.ts';

/** What a line's flags say about the hit, besides its event row. */
export const JOURNAL_FLAGS = HIT_FLAGS;

export interface JournalLine {
  seq: number;
  flags: number;
  event: unknown[];
}

/** A journal this large takes no more hits: the next go to a new one, and it is deleted once applied. */
export const JOURNAL_FULL_BYTES = 32 * 1024 * 1024;
const HOST = hostname().replace(/[^A-Za-z0-9.-]/g, '_');

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export class HitJournal {
  private descriptor = -1;
  private bytes = 0;
  private current = '';
  /** The file was found deleted (checkFile): no more hits go to it. */
  private deleted = false;
  /** A failed write left part of a batch at the end that could not be cut off: no more hits go to it. */
  private torn = false;

  constructor(
    private readonly dir: string,
    private readonly fullBytes = JOURNAL_FULL_BYTES,
  ) {
    mkdirSync(dir, { recursive: true, mode: PRIVATE_DIR });
    this.open();
  }

  /** This journal's name (its file's, without `.log`), the key of its row in tracking_journals. */
  get id(): string {
    return this.current;
  }

  /** Its file. */
  get file(): string {
    return path.join(this.dir, `${this.current}.log`);
  }

  /**
   * The open file, readable too: the writer thread reads a journal's hits back through it (not by
   * its name), so that they are applied even if the file was deleted meanwhile. Valid until retire().
   */
  get fd(): number {
    return this.descriptor;
  }

  /** Bytes written so far: where the next append starts. */
  get size(): number {
    return this.bytes;
  }

  private open(): void {
    this.current = newJournalId();
    this.descriptor = openSync(path.join(this.dir, `${this.current}.log`), 'a+', PRIVATE_FILE);
    this.bytes = 0;
  }

  /**
   * Appends lines (each ending in a newline) in one write. All or nothing: when a write fails
   * part-way (a full disk), what it left is cut off again, so that the file holds exactly the
   * batches that succeeded and the next batch starts where `size` says; if even that fails, the
   * journal is full (takes no more hits) and the next batch goes to a new file.
   */
  append(text: string): void {
    const buf = Buffer.from(text);
    let off = 0;
    try {
      while (off < buf.length) off += writeSync(this.descriptor, buf, off);
    } catch (err) {
      if (off > 0) {
        try {
          ftruncateSync(this.descriptor, this.bytes);
        } catch {
          this.torn = true;
        }
      }
      throw err;
    }
    this.bytes += buf.length;
  }

  /** Takes no more hits: it reached its size, its file was deleted, or its end is torn. */
  get full(): boolean {
    return this.bytes >= this.fullBytes || this.deleted || this.torn;
  }

  /**
   * Whether the file is still there (a clean-up job or a person may delete it while the process
   * runs). Hits written to a deleted file are still applied (through the open file), but would be
   * lost with the process: once it is found deleted, the journal is full and the next hits go to a
   * new one. One fstat, called once per apply; answers true the time it finds the file gone.
   */
  checkFile(): boolean {
    if (this.deleted || this.descriptor < 0) return false;
    try {
      this.deleted = fstatSync(this.descriptor).nlink === 0;
    } catch {
      this.deleted = true;
    }
    return this.deleted;
  }

  /** Closes and deletes the journal (everything in it is applied); answers its id. */
  retire(): string {
    if (this.descriptor >= 0) closeSync(this.descriptor);
    this.descriptor = -1;
    HitJournal.remove(this.file);
    return this.current;
  }

  /** Journals left by processes of this host that are gone (killed, crashed). */
  static orphans(dir: string): { id: string; file: string }[] {
    let names: string[];
    try {
      names = readdirSync(dir);
    } catch {
      return [];
    }
    const out: { id: string; file: string }[] = [];
    for (const name of names) {
      const m = /^(.+)-(\d+)-[0-9a-f]+\.log$/.exec(name);
      if (!m || m[1] !== HOST) continue;
      const pid = Number(m[2]);
      if (pid === process.pid || alive(pid)) continue;
      out.push({ id: name.slice(0, -4), file: path.join(dir, name) });
    }
    return out.sort((a, b) => a.id.localeCompare(b.id));
  }

  /** The lines of a journal file, in order (a last line cut short is left out). */
  static read(file: string): JournalLine[] {
    return parseJournal(readFileSync(file, 'utf8'));
  }

  static remove(file: string): void {
    try {
      unlinkSync(file);
    } catch {
      // already gone
    }
  }
}

/** A new journal's id: this host, this process and 48 random bits. */
export function newJournalId(): string {
  return `${HOST}-${process.pid}-${randomBytes(6).toString('hex')}`;
}

/** The lines of a journal's text, in order (a last line cut short is left out). */
export function parseJournal(text: string): JournalLine[] {
  const out: JournalLine[] = [];
  for (const line of text.split('\n')) {
    if (!line) continue;
    let a: unknown;
    try {
      a = JSON.parse(line);
    } catch {
      break; // a torn last line
    }
    if (!Array.isArray(a) || typeof a[0] !== 'number') break;
    out.push({ seq: a[0], flags: a[1] as number, event: a.slice(2) });
  }
  return out;
}

/** A journal line for a hit. */
export function journalLine(seq: number, flags: number, event: readonly unknown[]): string {
  return JSON.stringify([seq, flags, ...event]) + '\n';
}
