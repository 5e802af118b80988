/**
 * The campaign timeline (Lucy's Campaign Event): what happened to a campaign and when, in
 * words a person reads. Type numbers are Lucy's.
 */
import type { Executor } from '../../db/index.ts';
import { now } from '../../db/index.ts';

export const EVENT = {
  created: 1,
  started: 2,
  stopped: 3,
  scenarioAdded: 10,
  scenarioRemoved: 11,
  groupAdded: 20,
  groupRemoved: 21,
  awarenessAdded: 50,
  awarenessRemoved: 51,
} as const;

export type EventType = (typeof EVENT)[keyof typeof EVENT];

export interface CampaignEvent {
  type: number;
  time: string;
  event: string;
}

export async function recordEvent(db: Executor, campaign: { id: number; client_id: number }, type: EventType, event: string): Promise<void> {
  await db.insertInto('campaign_events').values({ client_id: campaign.client_id, campaign_id: campaign.id, type, time: now(), event }).execute();
}

export async function recordEvents(
  db: Executor,
  campaign: { id: number; client_id: number },
  events: { type: EventType; event: string }[],
): Promise<void> {
  if (!events.length) return;
  const time = now();
  await db
    .insertInto('campaign_events')
    .values(events.map((e) => ({ client_id: campaign.client_id, campaign_id: campaign.id, type: e.type, time, event: e.event })))
    .execute();
}

/** The timeline, oldest first. `campaign` has already been checked to be visible. */
export async function timeline(db: Executor, campaign: { id: number; client_id: number }): Promise<CampaignEvent[]> {
  return db
    .selectFrom('campaign_events')
    .select(['type', 'time', 'event'])
    .where('campaign_id', '=', campaign.id)
    .where('client_id', '=', campaign.client_id)
    .orderBy('time')
    .orderBy('id')
    .execute();
}

/** Quotes a name inside an event text. */
export const q = (name: string) => `"${name}"`;
