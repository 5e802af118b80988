/**
 * Values that JSON, SQL or the journal treat specially are recorded exactly as they were sent:
 * a hit's row goes to the database as its journal line (JSON), read by SQLite's writer thread
 * and, on PostgreSQL, taken apart by the database itself (jsonb). Quotes, backslashes, a
 * JSON-looking user agent, non-ASCII text, a NUL and a line break in a form value, with the
 * journal on and off.
 */
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from './helpers/app.ts';
import { eventsOf, trackingFixture, trackingServer, victimRow } from './tracking-factories.ts';

// A browser user agent (so the hits are human) carrying what JSON and SQL escape.
const ODD_UA = 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/142.0.0.0 Safari/537.36 "q" \\b\\ \',\'\t{"x":[1]} é';
const ODD_VALUE = 'Zoë "Q" O\'Brien \\ 日本語 😀 \u0000 line\nbreak ]},{';

describe.each(['on', 'off'])('odd values (DECOY_TRACKING_JOURNAL=%s)', (journal) => {
  let t: TestApp;
  let srv: FastifyInstance;
  beforeAll(async () => {
    t = await createTestApp({ DECOY_TRACKING_JOURNAL: journal });
    srv = await trackingServer(t);
  });
  afterAll(async () => {
    await srv?.close();
    await t?.close();
  });

  it('are recorded exactly as sent, and the victim moves', async () => {
    const f = await trackingFixture(t, { collectData: 'full', victims: 2 });
    const headers = { 'user-agent': ODD_UA };
    expect((await srv.inject({ method: 'GET', url: `/o/${f.tokens[0]}.gif`, headers })).statusCode).toBe(200);
    expect((await srv.inject({ method: 'GET', url: `/l/${f.tokens[0]}`, headers })).statusCode).toBe(200);
    const posted = await srv.inject({
      method: 'POST',
      url: `/l/${f.tokens[0]}`,
      headers: { ...headers, 'content-type': 'application/x-www-form-urlencoded' },
      payload: new URLSearchParams({ username: ODD_VALUE, secret_word: 'not stored' }).toString(),
    });
    expect(posted.statusCode).toBeLessThan(400);
    // Another victim in the same batches, with a plain agent: unaffected.
    expect((await srv.inject({ method: 'GET', url: `/o/${f.tokens[1]}.gif`, headers: { 'user-agent': 'Mozilla/5.0 (X11; Linux x86_64) Firefox/140.0' } })).statusCode).toBe(200);

    const events = await eventsOf(t, f.victimIds[0]);
    expect(events.map((e) => e.type)).toEqual(['open', 'click', 'submit']);
    for (const e of events) expect(e.user_agent).toBe(ODD_UA);
    expect(JSON.parse(events[2].data)).toEqual({ valid: true, fields: [{ name: 'username', value: ODD_VALUE }], password_present: true });
    const v = await victimRow(t, f.victimIds[0]);
    expect([v.opens, v.clicks, v.submits]).toEqual([1, 1, 1]);
    expect(v.opened_at).not.toBeNull();
    expect(await eventsOf(t, f.victimIds[1])).toHaveLength(1);
  });
});
