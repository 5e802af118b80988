import { randomInt } from 'node:crypto';
import { invalid } from '../../errors.ts';

/**
 * When each message of a campaign goes out. Either everything now, or spread over a window:
 * between `start` and `end`, only inside business hours on business days in the client's time
 * zone, at random moments so that not everyone gets the mail at the same minute.
 */
export interface Schedule {
  mode: 'immediate' | 'window';
  /** ISO datetimes (UTC); `start` defaults to now. */
  start?: string | null;
  end?: string | null;
  /** "HH:MM" in the client's time zone; both set or both unset. */
  business_hours_start?: string | null;
  business_hours_end?: string | null;
  /** ISO weekdays 1 (Monday) to 7 (Sunday); empty or unset: every day. */
  business_days?: number[] | null;
}

export const DEFAULT_SCHEDULE: Schedule = { mode: 'immediate' };

const HHMM = /^([01]\d|2[0-3]):([0-5]\d)$/;

export function parseSchedule(json: string | null | undefined): Schedule {
  if (!json) return DEFAULT_SCHEDULE;
  try {
    const v = JSON.parse(json);
    return v && typeof v === 'object' && (v.mode === 'window' || v.mode === 'immediate') ? (v as Schedule) : DEFAULT_SCHEDULE;
  } catch {
    return DEFAULT_SCHEDULE;
  }
}

/** Validates a schedule given by a caller; messages name the field. */
export function checkSchedule(s: Schedule): Schedule {
  if (s.mode !== 'immediate' && s.mode !== 'window') throw invalid('schedule.mode: must be immediate or window');
  if (s.mode === 'immediate') return { mode: 'immediate' };
  const start = s.start ? Date.parse(s.start) : NaN;
  const end = s.end ? Date.parse(s.end) : NaN;
  if (s.start && Number.isNaN(start)) throw invalid('schedule.start: is not a valid datetime');
  if (!s.end || Number.isNaN(end)) throw invalid('schedule.end: is required for a window and must be a valid datetime');
  if (s.start && end <= start) throw invalid('schedule.end: must be after schedule.start');
  const bs = s.business_hours_start ?? null;
  const be = s.business_hours_end ?? null;
  if ((bs === null) !== (be === null)) throw invalid('schedule.business_hours_start: set both business_hours_start and business_hours_end, or neither');
  if (bs !== null && !HHMM.test(bs)) throw invalid('schedule.business_hours_start: must be HH:MM');
  if (be !== null && !HHMM.test(be)) throw invalid('schedule.business_hours_end: must be HH:MM');
  if (bs !== null && be !== null && minutesOf(be) <= minutesOf(bs)) throw invalid('schedule.business_hours_end: must be after business_hours_start');
  const days = s.business_days ?? [];
  if (!Array.isArray(days) || days.some((d) => !Number.isInteger(d) || d < 1 || d > 7)) throw invalid('schedule.business_days: must be weekdays 1 (Monday) to 7 (Sunday)');
  return {
    mode: 'window',
    start: s.start ? new Date(start).toISOString() : null,
    end: new Date(end).toISOString(),
    business_hours_start: bs,
    business_hours_end: be,
    business_days: [...new Set(days)].sort(),
  };
}

function minutesOf(hhmm: string): number {
  const [h, m] = hhmm.split(':').map(Number);
  return h * 60 + m;
}

/** Offset in minutes of `timeZone` from UTC at instant `ms`. */
function zoneOffsetMinutes(ms: number, timeZone: string): number {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone,
    hourCycle: 'h23',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
  }).formatToParts(new Date(ms));
  const get = (t: string) => Number(parts.find((p) => p.type === t)?.value);
  const asUtc = Date.UTC(get('year'), get('month') - 1, get('day'), get('hour'), get('minute'), get('second'));
  return Math.round((asUtc - Math.floor(ms / 1000) * 1000) / 60000);
}

/** The UTC instant of local wall-clock time (y, m, d, minutes) in `timeZone`. */
function localToUtc(y: number, mo: number, d: number, minutes: number, timeZone: string): number {
  const guess = Date.UTC(y, mo, d, 0, minutes);
  const first = guess - zoneOffsetMinutes(guess, timeZone) * 60000;
  // Second pass settles instants near a daylight-saving change.
  return guess - zoneOffsetMinutes(first, timeZone) * 60000;
}

/** The intervals [from, to) in UTC ms during which sending is allowed. */
export function allowedIntervals(s: Schedule, timeZone: string, nowMs: number): [number, number][] {
  if (s.mode === 'immediate') return [[nowMs, nowMs]];
  const start = Math.max(nowMs, s.start ? Date.parse(s.start) : nowMs);
  const end = Date.parse(s.end!);
  if (end <= start) return [];
  const days = s.business_days?.length ? new Set(s.business_days) : null;
  const hasHours = !!(s.business_hours_start && s.business_hours_end);
  if (!days && !hasHours) return [[start, end]];
  const from = hasHours ? minutesOf(s.business_hours_start!) : 0;
  const to = hasHours ? minutesOf(s.business_hours_end!) : 24 * 60;
  const out: [number, number][] = [];
  // Walk local calendar days from the day before start (time zones) to the day after end.
  const first = new Date(start - 86400_000);
  for (let i = 0; i < 3700; i++) {
    const day = new Date(Date.UTC(first.getUTCFullYear(), first.getUTCMonth(), first.getUTCDate() + i));
    const y = day.getUTCFullYear();
    const mo = day.getUTCMonth();
    const d = day.getUTCDate();
    const a = localToUtc(y, mo, d, from, timeZone);
    if (a > end) break;
    const isoWeekday = ((day.getUTCDay() + 6) % 7) + 1;
    if (days && !days.has(isoWeekday)) continue;
    const b = localToUtc(y, mo, d, to, timeZone);
    const lo = Math.max(a, start);
    const hi = Math.min(b, end);
    if (hi > lo) out.push([lo, hi]);
  }
  return out;
}

/**
 * `count` send times inside the allowed intervals, in random order: the window is cut into
 * `count` equal slices of allowed time and each message gets a random moment in its slice, so
 * the spread is even and no two people can predict each other's time.
 */
export function sendTimes(s: Schedule, timeZone: string, count: number, nowMs = Date.now()): number[] {
  if (s.mode === 'immediate') return new Array(count).fill(nowMs);
  const intervals = allowedIntervals(s, timeZone, nowMs);
  const total = intervals.reduce((n, [a, b]) => n + (b - a), 0);
  if (!intervals.length || total <= 0) throw invalid('schedule: the window has no business hours left between start and end');
  const slice = total / count;
  const times: number[] = new Array(count);
  let k = 0;
  let base = 0;
  for (const [a, b] of intervals) {
    const len = b - a;
    while (k < count && (k + 1) * slice <= base + len + 1e-6) {
      const offset = k * slice + (slice > 1 ? randomInt(0, Math.max(1, Math.floor(slice))) : 0);
      times[k] = a + Math.min(len - 1, Math.max(0, offset - base));
      k++;
    }
    base += len;
  }
  const [la, lb] = intervals[intervals.length - 1];
  while (k < count) times[k++] = Math.max(la, lb - 1);
  // Shuffle so that send order does not follow victim order (Fisher-Yates).
  for (let i = count - 1; i > 0; i--) {
    const j = randomInt(0, i + 1);
    [times[i], times[j]] = [times[j], times[i]];
  }
  return times;
}
