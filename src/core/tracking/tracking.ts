/**
 * Tracking: what a victim's links do. The public tracking server (src/tracking/) calls `hit()`
 * for every request that carries a victim token; the mail renderer calls `urls()` to put the
 * same links in the messages.
 *
 * Links (one token per victim, `VictimTokens(config.secret).token(victimId)`, kind 'v'):
 *   /o/<token>.gif  open pixel          /l/<token>  link: landing page (GET), form post (POST)
 *   /d/<token>      file download        /f/<token>  document beacon (file_data)
 *   /r/<token>      report (GET or POST: what a "report phishing" button calls)
 */
import path from 'node:path';
import type { ServiceDeps } from '../index.ts';
import { HitJournal } from './journal.ts';
import { ScannerRangeService } from './scanner-ranges.ts';
import { ScenarioCache } from './landing.ts';
import { HitRecorder, type Hit, type HitOutcome, type RecorderOptions, type ScannerRangeSource } from './recorder.ts';
import type pg from 'pg';
import { recorderStore } from './recorder-store.ts';
import { VictimTokens } from './token.ts';

/** Says, once per recovery, how many hits of stopped processes' journals were applied; answers it. */
function reportRecovered(hits: number): number {
  if (hits) console.log(`Decoy: applied ${hits} tracking hits left in the journal of a stopped process`);
  return hits;
}

/** How often a process looks for journals in the database left by processes that are gone. */
const DATABASE_JOURNAL_RECOVERY_MS = 30_000;
/** After this process lost its own journal's connection: PostgreSQL has let go of the lock by then (unless the network failed; then the next pass). */
const JOURNAL_LOST_RECOVERY_MS = 1000;

export type { HitKind } from './hits.ts';
export type { Hit, HitOutcome, RecordedHit } from './recorder.ts';

export interface TrackingUrls {
  link: string;
  pixel: string;
  download: string;
  fileData: string;
  report: string;
}

/** The paths of a victim's links (see the file comment). */
export function trackingPaths(token: string): TrackingUrls {
  return { link: `/l/${token}`, pixel: `/o/${token}.gif`, download: `/d/${token}`, fileData: `/f/${token}`, report: `/r/${token}` };
}

export class TrackingService {
  readonly tokens: VictimTokens;
  readonly scenarios: ScenarioCache;
  private ranges: ScannerRangeSource | null = null;
  private recorderInstance: HitRecorder | null = null;

  constructor(
    private readonly deps: ServiceDeps,
    private readonly options: RecorderOptions = {},
    /** PostgreSQL: the pool under deps.db, for the recorder's prepared statement. */
    private readonly pool?: pg.Pool,
    /** How often journals in the database left by processes that are gone are looked for (tests shorten it). */
    private readonly journalRecoveryMs = DATABASE_JOURNAL_RECOVERY_MS,
  ) {
    this.tokens = new VictimTokens(deps.config.secret);
    this.scenarios = new ScenarioCache(deps.db);
  }

  /**
   * The scanner ranges to classify hits with: the core's ScannerRangeService, so that its cache
   * is the one the admin API invalidates. Without it, a private one is made on first use.
   */
  useScannerRanges(ranges: ScannerRangeSource): void {
    this.ranges = ranges;
  }

  get recorder(): HitRecorder {
    this.recorderInstance ??= new HitRecorder(
      recorderStore(this.deps.db, this.deps.dialect, this.deps.config.databaseUrl, this.pool),
      this.scenarios,
      // Whatever source is set when a hit is classified (useScannerRanges may come after the first hit).
      { compiledFor: (clientId) => (this.ranges ??= new ScannerRangeService(this.deps)).compiledFor(clientId) },
      {
        journalDir: this.journalDir,
        databaseJournal: this.databaseJournal,
        onRetired: (id) => void this.forgetJournal(id),
        // Its rows wait for a recovery: soon, not at the next periodic pass.
        onJournalLost: (id) => {
          console.error(`tracking: lost the connection holding hit journal ${id}; its hits are applied by a recovery`);
          setTimeout(() => void (this.closed || this.recoverDatabaseJournals()), JOURNAL_LOST_RECOVERY_MS).unref();
        },
        onJournalDeleted: (file) => console.error(`tracking: the hit journal ${file} was deleted while in use; its hits are applied from the open file, and the next go to a new journal`),
        onApplyError: (err) => console.error(`tracking: applying hits to the database failed: ${err instanceof Error ? err.message : JSON.stringify(err)}`),
        ...this.options,
      },
    );
    return this.recorderInstance;
  }

  /**
   * Where this process's hit journal lives (DECOY_TRACKING_JOURNAL; by default with SQLite, whose
   * file is on the same disk anyway, and not with PostgreSQL, whose processes keep no state of
   * their own). None for an in-memory database, which does not outlive the process.
   */
  private get journalDir(): string | null {
    const { databaseUrl: url, trackingJournal: mode, dataDir } = this.deps.config;
    if (url === 'sqlite::memory:' || url.startsWith('sqlite:file::memory:')) return null;
    if (mode === 'off' || this.databaseJournal) return null;
    return path.join(dataDir, 'tracking-journal');
  }

  /** The hit journal is in the database: PostgreSQL's default (DECOY_TRACKING_JOURNAL auto or database). */
  private get databaseJournal(): boolean {
    const mode = this.deps.config.trackingJournal;
    return this.deps.dialect === 'postgres' && (mode === 'auto' || mode === 'database');
  }

  private pendingForget = new Set<Promise<unknown>>();

  private forgetJournal(id: string): Promise<void> {
    const p = this.deps.db
      .deleteFrom('tracking_journals')
      .where('id', '=', id)
      .execute()
      .then(
        () => undefined,
        () => undefined, // a stale row is harmless: its journal is gone
      );
    this.pendingForget.add(p);
    void p.finally(() => this.pendingForget.delete(p));
    return p;
  }

  /**
   * Applies the hit journals left by processes of this host that were killed or crashed (each
   * from where the database says it got to), then deletes them, and with PostgreSQL the journals
   * in the database of processes that are gone (then every DATABASE_JOURNAL_RECOVERY_MS). Run
   * before serving.
   */
  async recover(): Promise<number> {
    // Journals left behind are applied even when this process does not keep one (it was switched off).
    const dir = path.join(this.deps.config.dataDir, 'tracking-journal');
    let applied = 0;
    for (const { id, file } of HitJournal.orphans(dir)) {
      const row = await this.deps.db.selectFrom('tracking_journals').select('seq').where('id', '=', id).executeTakeFirst();
      applied += await this.recorder.recover(id, HitJournal.read(file), Number(row?.seq ?? 0));
      HitJournal.remove(file);
      await this.forgetJournal(id);
    }
    if (this.deps.dialect === 'postgres') {
      this.closed = false;
      applied += await this.recorder.recoverDatabaseJournals();
      // Processes of other hosts can go at any time: their journals are looked for again and again.
      this.recoveryTimer ??= setInterval(() => void (this.closed || this.recoverDatabaseJournals()), this.journalRecoveryMs).unref();
    }
    return reportRecovered(applied);
  }

  private recoveryTimer: NodeJS.Timeout | null = null;
  /** Closed (server shutdown): no recovery starts any more. */
  private closed = false;
  private recovering: Promise<number> | null = null;

  /** Applies the journals in the database of processes that are gone (one pass at a time); logs a failure. */
  recoverDatabaseJournals(): Promise<number> {
    this.recovering ??= this.recorder
      .recoverDatabaseJournals()
      .then(
        (n) => reportRecovered(n),
        (err) => {
          console.error(`tracking: recovering hit journals failed: ${err instanceof Error ? err.message : String(err)}`);
          return 0;
        },
      )
      .finally(() => (this.recovering = null));
    return this.recovering;
  }

  /** Absolute links of a victim, under `base` (the scenario's domain, or DECOY_PUBLIC_URL). */
  urls(base: string, victimId: number): TrackingUrls {
    const root = base.replace(/\/+$/, '');
    const paths = trackingPaths(this.tokens.token(victimId));
    return {
      link: root + paths.link,
      pixel: root + paths.pixel,
      download: root + paths.download,
      fileData: root + paths.fileData,
      report: root + paths.report,
    };
  }

  /** The victim a token names, or null (malformed or forged). */
  victimOf(token: string): number | null {
    return this.tokens.verify(token);
  }

  /**
   * Records a hit by token and answers what the server needs to respond. A token that does not
   * verify, an unknown victim and a campaign that is not running all answer `{found: false}`,
   * and nothing is recorded.
   */
  async hit(token: string, hit: Omit<Hit, 'victimId'>): Promise<HitOutcome> {
    const victimId = this.tokens.verify(token);
    if (victimId === null) return { found: false };
    return this.recorder.record({ ...hit, victimId });
  }

  /** Waits until every hit received so far is applied to the database. */
  flush(): Promise<void> {
    return this.recorderInstance?.flush() ?? Promise.resolve();
  }

  /**
   * Before reading what hits did: waits (at most `maxMs`) until the hits this process answered
   * so far are applied, so that a process reads its own hits. Immediate when none are pending.
   */
  async settled(maxMs = 2000): Promise<void> {
    const r = this.recorderInstance;
    if (!r?.pending) return;
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([r.flush(), new Promise<void>((resolve) => (timer = setTimeout(resolve, maxMs)))]);
    clearTimeout(timer);
  }

  /** Server shutdown: applies what is queued, deletes the journal and closes the recorder's own database connection (reopened on the next hit). */
  async close(): Promise<void> {
    this.closed = true;
    if (this.recoveryTimer) clearInterval(this.recoveryTimer);
    this.recoveryTimer = null;
    await this.recovering;
    if (!this.recorderInstance) return;
    await this.recorderInstance.flush();
    this.recorderInstance.close();
    await Promise.all([...this.pendingForget]);
  }

  /** Forgets cached scenario facts, e.g. right after a campaign was stopped in this process. */
  forgetCachedScenarios(): void {
    this.scenarios.forget();
  }
}
