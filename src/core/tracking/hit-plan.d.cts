/** Types of hit-plan.cjs. */
export type HitKind = 'open' | 'click' | 'submit' | 'download' | 'file_data' | 'report';
export type Milestone = 'opened' | 'clicked' | 'reported';
export type Counted = 'opens' | 'clicks' | 'submits';
export type CounterName = 'opened' | 'clicked' | 'succeeded' | 'vulnerable' | 'reported' | 'invalid_submits' | 'automated_hits';

export const IMPLIES: Readonly<Record<HitKind, readonly Milestone[]>>;
export const SUCCEEDS_BY: Readonly<Partial<Record<HitKind, string>>>;
export const BROWSER_HITS: readonly HitKind[];
export const VICTIM_COUNT: Readonly<Partial<Record<HitKind, Counted>>>;
export const FLAGS: { readonly succeeds: 1; readonly invalid: 2; readonly vulnerable: 4 };
export const E: {
  readonly client: 0;
  readonly campaign: 1;
  readonly scenario: 2;
  readonly victim: 3;
  readonly type: 4;
  readonly time: 5;
  readonly verdict: 6;
  readonly ip: 8;
  readonly proxy: 9;
  readonly os: 11;
  readonly browser: 12;
  readonly country: 13;
};

export interface PlanState {
  id: number;
  opened_at: string | null;
  clicked_at: string | null;
  succeeded_at: string | null;
  reported_at: string | null;
  vulnerable: number;
  opens: number;
  clicks: number;
  submits: number;
  os: string;
  browser: string;
  ip: string;
  proxy_ip: string;
  country: string;
}

export interface PlannedHits<S extends PlanState> {
  events: unknown[][];
  victims: S[];
  counters: { key: { clientId: number; campaignId: number; scenarioId: number }; deltas: Partial<Record<CounterName, number>> }[];
}

export function planHits<S extends PlanState>(entries: readonly { flags: number; event: unknown[] }[], victimOf: (id: number) => S | undefined): PlannedHits<S>;
