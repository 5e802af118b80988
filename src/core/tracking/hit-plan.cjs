'use strict';
/**
 * What hits do to their victims and the counters, as one pure function (`planHits`) with the
 * rules it applies as tables. Plain CommonJS so that the same code runs on the event loop
 * (through hits.ts and recorder.ts, for PostgreSQL) and on the SQLite writer thread
 * (recorder-writer.ts), which reads the victims, plans and writes in one transaction.
 * Types: hit-plan.d.cts. The decisions are written out in hits.ts.
 */

/** Which first-time transitions a human hit of each kind causes (besides succeeded). */
const IMPLIES = {
  open: ['opened'],
  click: ['opened', 'clicked'],
  submit: ['opened', 'clicked'],
  download: ['opened', 'clicked'],
  file_data: ['opened'],
  report: ['reported'],
};

/** The success_action a hit kind can satisfy. */
const SUCCEEDS_BY = { click: 'click', submit: 'post', download: 'download', file_data: 'file_data' };

/** Hits made by the person's browser: the ones `vulnerable` is judged from. */
const BROWSER_HITS = ['click', 'submit', 'download'];

/** The per-victim count a hit kind increments. */
const VICTIM_COUNT = { open: 'opens', click: 'clicks', submit: 'submits' };

/** What a journal line's flags say about the hit, besides its event row. */
const FLAGS = { succeeds: 1, invalid: 2, vulnerable: 4 };

/** tracking_events row positions (EVENT_COLUMNS in recorder-store.ts). */
const E = { client: 0, campaign: 1, scenario: 2, victim: 3, type: 4, time: 5, verdict: 6, ip: 8, proxy: 9, os: 11, browser: 12, country: 13 };

const MILESTONE_COLUMN = { opened: 'opened_at', clicked: 'clicked_at', reported: 'reported_at' };
const BROWSER = new Set(BROWSER_HITS);

/**
 * The writes of a batch of hits, in order, from the victims as they are now.
 * @param entries [{ flags, event }] in journal order
 * @param victimOf id => the victim's state columns, or undefined when the victim is gone (its
 *   campaign was deleted meanwhile: so are its events)
 * @returns { events, victims: the new state of every victim that changed, counters: sorted by
 *   campaign and scenario, so that concurrent batches cannot deadlock on them }
 */
function planHits(entries, victimOf) {
  const events = [];
  const states = new Map();
  /** Victims a human hit moved (the others are left as they are). */
  const changed = new Set();
  const deltas = new Map();
  // Most consecutive hits are of one scenario: its counters' entry is looked up only on a change.
  let entry = null;
  let campaign = -1;
  let scenario = -1;
  for (const { event, flags } of entries) {
    const id = event[E.victim];
    let st = states.get(id);
    if (!st) {
      const v = victimOf(id);
      if (!v) continue;
      st = { ...v };
      states.set(id, st);
    }
    events.push(event);
    const kind = event[E.type];
    const time = event[E.time];
    if (event[E.campaign] !== campaign || event[E.scenario] !== scenario) {
      campaign = event[E.campaign];
      scenario = event[E.scenario];
      const k = `${campaign}:${scenario}`;
      entry = deltas.get(k);
      if (!entry) deltas.set(k, (entry = { key: { clientId: event[E.client], campaignId: campaign, scenarioId: scenario }, deltas: {} }));
    }
    const d = entry.deltas;
    if (event[E.verdict] !== 'human') {
      d.automated_hits = (d.automated_hits || 0) + 1;
      continue;
    }
    changed.add(st);
    for (const m of IMPLIES[kind]) {
      const col = MILESTONE_COLUMN[m];
      if (st[col] === null) {
        st[col] = time;
        d[m] = (d[m] || 0) + 1;
      }
    }
    const count = VICTIM_COUNT[kind];
    if (count) st[count]++;
    if (flags & FLAGS.succeeds && st.succeeded_at === null) {
      st.succeeded_at = time;
      d.succeeded = (d.succeeded || 0) + 1;
    }
    if (flags & FLAGS.invalid) d.invalid_submits = (d.invalid_submits || 0) + 1;
    if (BROWSER.has(kind) && flags & FLAGS.vulnerable && !st.vulnerable) {
      st.vulnerable = 1;
      d.vulnerable = (d.vulnerable || 0) + 1;
    }
    if (event[E.os]) st.os = event[E.os];
    if (event[E.browser]) st.browser = event[E.browser];
    st.ip = event[E.ip];
    st.proxy_ip = event[E.proxy];
    st.country = event[E.country];
  }
  const counters = [...deltas.values()].sort((a, b) => a.key.campaignId - b.key.campaignId || a.key.scenarioId - b.key.scenarioId);
  return { events, victims: [...changed], counters };
}

module.exports = { IMPLIES, SUCCEEDS_BY, BROWSER_HITS, VICTIM_COUNT, FLAGS, E, planHits };
