/**
 * Background generation of exports and reports, in the process that accepted the request.
 *
 * The request answers at once with status 10 (processing); the file is written afterwards, a
 * few jobs at a time so that a burst of requests cannot swamp the database. The row is the
 * state: a job touches its row's `updated_at` as it goes, and a row left at 10 without a touch
 * for STALE_MS (the process died mid-way) is shown as failed, so no client waits forever.
 */
export const STALE_MS = 15 * 60_000;
/** How often a running job touches its row at most. */
export const HEARTBEAT_MS = 30_000;

export class JobRunner {
  private readonly queue: (() => Promise<void>)[] = [];
  private running = 0;
  private readonly inflight = new Set<Promise<void>>();
  /** Ids of rows this process is generating or about to (never reported stale). */
  readonly busy = new Set<number>();

  constructor(private readonly concurrency = 2) {}

  /** Runs `job` in the background; it must record its own failure (errors are swallowed here). */
  run(id: number, job: () => Promise<void>): void {
    this.busy.add(id);
    let settle!: () => void;
    const done = new Promise<void>((resolve) => (settle = resolve));
    this.inflight.add(done);
    this.queue.push(async () => {
      try {
        await job();
      } catch {
        // The job records failures on its row; nothing may escape as an unhandled rejection.
      } finally {
        this.busy.delete(id);
        this.inflight.delete(done);
        settle();
      }
    });
    // After the current request has answered.
    setImmediate(() => this.pump());
  }

  private pump(): void {
    while (this.running < this.concurrency && this.queue.length) {
      const next = this.queue.shift()!;
      this.running++;
      void next().finally(() => {
        this.running--;
        this.pump();
      });
    }
  }

  /** Resolves when every job accepted so far (and any they queued) has finished. */
  async idle(): Promise<void> {
    while (this.inflight.size) await Promise.all([...this.inflight]);
  }
}

/** Calls `touch` at most every HEARTBEAT_MS. */
export function heartbeat(touch: () => Promise<unknown>): () => Promise<void> {
  let last = Date.now();
  return async () => {
    if (Date.now() - last < HEARTBEAT_MS) return;
    last = Date.now();
    await touch();
  };
}

/** The message shown for a job that failed: ours when it is meant for people, else a generic one. */
export function failureText(err: unknown, what: string): string {
  const e = err as { name?: string; code?: string; message?: string };
  if (e?.name === 'AppError' && e.message) return e.message;
  if (e?.code === 'ENOSPC') return `${what} could not be written: the disk is full`;
  if (e?.code === 'EACCES' || e?.code === 'EPERM') return `${what} could not be written: no permission to write in the data directory`;
  return `${what} could not be generated (internal error)`;
}
