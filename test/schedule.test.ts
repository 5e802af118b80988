import { describe, expect, it } from 'vitest';
import { allowedIntervals, checkSchedule, sendTimes } from '../src/core/sending/schedule.ts';

describe('send schedule', () => {
  it('sends everything now when immediate', () => {
    const now = Date.parse('2026-11-23T10:00:00Z');
    expect(sendTimes({ mode: 'immediate' }, 'UTC', 3, now)).toEqual([now, now, now]);
  });

  it('spreads a window over business hours and days in the client time zone', () => {
    // Friday 2026-11-20 to Tuesday 2026-11-24, 09:00-17:00 Mon-Fri in Berlin (UTC+1 in November).
    const s = checkSchedule({
      mode: 'window',
      start: '2026-11-20T00:00:00Z',
      end: '2026-11-24T23:00:00Z',
      business_hours_start: '09:00',
      business_hours_end: '17:00',
      business_days: [1, 2, 3, 4, 5],
    });
    const now = Date.parse('2026-11-19T00:00:00Z');
    const intervals = allowedIntervals(s, 'Europe/Berlin', now);
    expect(intervals.map(([a, b]) => [new Date(a).toISOString(), new Date(b).toISOString()])).toEqual([
      ['2026-11-20T08:00:00.000Z', '2026-11-20T16:00:00.000Z'],
      ['2026-11-23T08:00:00.000Z', '2026-11-23T16:00:00.000Z'],
      ['2026-11-24T08:00:00.000Z', '2026-11-24T16:00:00.000Z'],
    ]);
    const times = sendTimes(s, 'Europe/Berlin', 3000, now);
    expect(times).toHaveLength(3000);
    for (const t of times) expect(intervals.some(([a, b]) => t >= a && t < b)).toBe(true);
    // Evenly spread: each business day gets about a third; no minute gets a crowd.
    const perDay = new Map<string, number>();
    const perMinute = new Map<number, number>();
    for (const t of times) {
      const d = new Date(t).toISOString().slice(0, 10);
      perDay.set(d, (perDay.get(d) ?? 0) + 1);
      perMinute.set(Math.floor(t / 60000), (perMinute.get(Math.floor(t / 60000)) ?? 0) + 1);
    }
    for (const n of perDay.values()) expect(Math.abs(n - 1000)).toBeLessThanOrEqual(2);
    expect(Math.max(...perMinute.values())).toBeLessThanOrEqual(4);
    // Random order: not sorted.
    expect(times.some((t, i) => i > 0 && t < times[i - 1])).toBe(true);
  });

  it('handles a daylight-saving change (Berlin, 2026-10-25)', () => {
    const s = checkSchedule({ mode: 'window', start: '2026-10-23T00:00:00Z', end: '2026-10-27T00:00:00Z', business_hours_start: '09:00', business_hours_end: '10:00' });
    const intervals = allowedIntervals(s, 'Europe/Berlin', Date.parse('2026-10-01T00:00:00Z'));
    expect(intervals.map(([a]) => new Date(a).toISOString())).toEqual([
      '2026-10-23T07:00:00.000Z',
      '2026-10-24T07:00:00.000Z',
      '2026-10-25T08:00:00.000Z',
      '2026-10-26T08:00:00.000Z',
    ]);
  });

  it('rejects bad schedules naming the field', () => {
    expect(() => checkSchedule({ mode: 'window' })).toThrow(/schedule.end/);
    expect(() => checkSchedule({ mode: 'window', end: '2026-01-01T00:00:00Z', business_hours_start: '9:00', business_hours_end: '17:00' })).toThrow(/business_hours_start/);
    expect(() => checkSchedule({ mode: 'window', end: '2026-01-01T00:00:00Z', business_days: [0] })).toThrow(/business_days/);
    expect(() => sendTimes(checkSchedule({ mode: 'window', start: '2026-01-03T00:00:00Z', end: '2026-01-04T23:00:00Z', business_days: [1] }), 'UTC', 5, Date.parse('2026-01-01T00:00:00Z'))).toThrow(/no business hours/);
  });
});
