/**
 * What a tracking hit is and what it does to a victim. The rules live here, apart from the
 * batching (recorder.ts), so that they read as a table.
 *
 * Decisions (Lucy's vocabulary, see ../shared/spec/README.md):
 * - Only human hits change a victim or its counters; automated hits are events and bump
 *   `automated_hits`, nothing else.
 * - A click implies the message was opened (Lucy counts it so: mail clients block images, so the
 *   pixel alone under-counts opens). A form post or a download implies a click and an open (the
 *   person was on the landing page, or followed the download link from the mail). A document
 *   beacon (`file_data`) implies an open (the attachment came with the message). A report implies
 *   nothing else: people report from the preview pane without opening anything.
 *   Implied transitions set the timestamp and the counter; `opens`/`clicks`/`submits` on the
 *   victim count only the hits of that very type.
 * - `succeeded` by the scenario's success_action: click (a human click), post (a human form post
 *   whose values match login_regexp/password_regexp; an empty regexp matches anything),
 *   download, file_data.
 * - `vulnerable` is judged from browser hits only (click, post, download: the landing page is
 *   seen in a browser; the pixel and the document beacon are fetched by mail and office
 *   programs, whose user agents say little about the browser) and is sticky: once a victim was
 *   seen with an out-of-date browser or OS, it stays vulnerable, so the counter is exactly the
 *   number of vulnerable victims.
 * - os, browser, ip, proxy_ip and country on the victim are those of its latest human hit.
 */

import { createRequire } from 'node:module';
import type * as HitPlan from './hit-plan.cjs';

export const HIT_KINDS = ['open', 'click', 'submit', 'download', 'file_data', 'report'] as const;
export type HitKind = (typeof HIT_KINDS)[number];

export type Milestone = 'opened' | 'clicked' | 'reported';

// The tables live in hit-plan.cjs, beside the one function that applies them (planHits), which
// also runs on the SQLite writer thread.
const plan = createRequire(import.meta.url)('./hit-plan.cjs') as typeof HitPlan;

/** Which first-time transitions a human hit of each kind causes (besides succeeded). */
export const IMPLIES: Readonly<Record<HitKind, readonly Milestone[]>> = plan.IMPLIES;

/** The success_action a hit kind can satisfy. */
export const SUCCEEDS_BY: Readonly<Partial<Record<HitKind, string>>> = plan.SUCCEEDS_BY;

/** Hits made by the person's browser: the ones `vulnerable` is judged from. */
export const BROWSER_HITS: ReadonlySet<HitKind> = new Set<HitKind>(plan.BROWSER_HITS);

/** The per-victim count a hit kind increments. */
export const VICTIM_COUNT: Readonly<Partial<Record<HitKind, 'opens' | 'clicks' | 'submits'>>> = plan.VICTIM_COUNT;

/** What a journal line's flags say about a hit, besides its event row. */
export const HIT_FLAGS = plan.FLAGS;

/** What a batch of hits writes (see hit-plan.cjs). */
export const planHits = plan.planHits;

/** The path of hit-plan.cjs, for the SQLite writer thread to load. */
export const HIT_PLAN_MODULE = createRequire(import.meta.url).resolve('./hit-plan.cjs');
