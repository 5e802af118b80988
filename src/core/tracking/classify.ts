/**
 * Human or automated: the verdict on every tracking hit. Only human hits count (opened_at,
 * clicked_at, succeeded_at and the counters); automated ones are kept as events with their
 * reasons, so that an administrator can see what a mail gateway did.
 *
 * Pure and cheap, as it runs on every hit: no I/O, every pattern compiled at load, the
 * user-agent part cached by string (useragent.ts), scanner ranges compiled beforehand
 * (ScannerRangeService.compiledFor).
 */
import type { ScannerRangeMatcher } from './scanner-match.ts';
import { describeAgent } from './useragent.ts';

export { countryOf, loadGeo } from './geo.ts';
export { compileScannerRanges, parseCidr, type ScannerRange, type ScannerRangeMatcher } from './scanner-match.ts';
export { describeAgent, type AgentInfo } from './useragent.ts';
export { SUPPORT_TABLE_UPDATED } from './browser-support.ts';

export type TrackingEventType = 'open' | 'click' | 'landing' | 'submit' | 'download' | 'file_data' | 'report';

export interface HitInput {
  method: string;
  /** Request headers with lower-case names, as node:http gives them. */
  headers: Readonly<Record<string, string | string[] | undefined>>;
  /** The client address (already resolved through trusted proxies). */
  ip: string;
  eventType: TrackingEventType;
  /** From ScannerRangeService.compiledFor(clientId); null or absent: no ranges. */
  scannerRanges?: ScannerRangeMatcher | null;
  /** Milliseconds since the message was handed to the mail server; null/absent: unknown. */
  msSinceSent?: number | null;
}

export interface Verdict {
  verdict: 'human' | 'automated';
  /** Why the hit is automated; empty for a human one. */
  reasons: string[];
  os: string;
  browser: string;
  vulnerable: boolean;
  vulnerableReason: string;
}

/**
 * Nobody reads a message and follows its link this fast; link scanners do (some even before the
 * relay has confirmed the hand-over, hence negative values).
 */
export const FAST_ACTION_MS = 2000;

const AUTOMATED_METHODS = new Set(['HEAD', 'OPTIONS']);
const PREFETCH_VALUE = /prefetch|prerender|preview/i;

const FAST_VERB: Partial<Record<TrackingEventType, string>> = {
  click: 'clicked',
  landing: 'opened the landing page',
  download: 'downloaded',
  submit: 'submitted',
  // A mail gateway detonating the attachment in a sandbox opens it seconds after delivery.
  file_data: 'opened the attachment',
};

function header(headers: HitInput['headers'], name: string): string {
  const v = headers[name];
  if (v === undefined) return '';
  return Array.isArray(v) ? v.join(', ') : v;
}

/** Which prefetch header the request carries, shown in the reason; '' for none. */
function prefetchHeader(headers: HitInput['headers']): string {
  // Any Sec-Purpose marks a speculative request (prefetch, prefetch;prerender, prefetch;anonymous-client-ip).
  const sec = header(headers, 'sec-purpose');
  if (sec) return `Sec-Purpose: ${sec}`;
  for (const [name, shown] of [['purpose', 'Purpose'], ['x-purpose', 'X-Purpose'], ['x-moz', 'X-Moz']] as const) {
    const v = header(headers, name);
    if (v && PREFETCH_VALUE.test(v)) return `${shown}: ${v}`;
  }
  return '';
}

function clip(s: string, max = 100): string {
  return s.length > max ? `${s.slice(0, max)}...` : s;
}

export function classifyHit(input: HitInput): Verdict {
  const reasons: string[] = [];
  const method = input.method.toUpperCase();
  if (AUTOMATED_METHODS.has(method)) reasons.push(`${method} request`);

  const prefetch = prefetchHeader(input.headers);
  if (prefetch) reasons.push(`prefetch request (${clip(prefetch)})`);

  const ua = header(input.headers, 'user-agent').trim();
  const agent = describeAgent(ua);
  // A report button POSTs: a program acting on the person's behalf (often from the mail
  // provider's servers), so only the method and prefetch rules apply. A GET of the report link
  // is a link like any other, and a scanner follows it like any other.
  const reportButton = input.eventType === 'report' && method === 'POST';
  if (!reportButton) {
    if (!ua) reasons.push('no user agent');
    else if (agent.imageProxy) {
      reasons.push(
        input.eventType === 'open'
          ? `${agent.automatedBy} fetched the pixel: the provider loads images on its servers, so the open cannot be attributed to the person`
          : `user agent is ${agent.automatedBy}`,
      );
    } else if (agent.automatedBy) reasons.push(`user agent is ${agent.automatedBy}`);

    const range = input.scannerRanges?.size ? input.scannerRanges.match(input.ip) : null;
    if (range) reasons.push(`address in scanner range ${range.label ? `${range.label} ` : ''}${range.cidr}`);

    const verb = FAST_VERB[input.eventType];
    const ms = input.msSinceSent;
    if (verb && ms !== null && ms !== undefined && Number.isFinite(ms) && ms < FAST_ACTION_MS) {
      reasons.push(ms < 0 ? `${verb} before the mail server had confirmed delivery` : `${verb} ${Math.round(ms)} ms after delivery`);
    }
  }

  return {
    verdict: reasons.length ? 'automated' : 'human',
    reasons,
    os: agent.os,
    browser: agent.browser,
    vulnerable: agent.vulnerable,
    vulnerableReason: agent.vulnerableReason,
  };
}
