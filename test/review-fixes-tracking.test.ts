/**
 * Review fixes on the tracking server: redirect_url values that cannot go in a header, password
 * inputs the landing-page reader missed, URLs fastify refuses before routing, scanners on the
 * report link, and placeholders named like built-in object properties.
 */
import type { FastifyInstance } from 'fastify';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import net from 'node:net';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, usingPostgres, type TestApp } from './helpers/app.ts';
import { buildCampaign, people } from './helpers/campaign.ts';
import { BROWSER_UA, SCANNER_UA, eventsOf, meaningfulHeaders, rawRequest, trackingFixture, trackingServer, victimRow } from './tracking-factories.ts';

let t: TestApp;
let srv: FastifyInstance;
let port: number;
beforeAll(async () => {
  t = await createTestApp();
  srv = await trackingServer(t);
  await srv.listen({ host: '127.0.0.1', port: 0 });
  port = (srv.server.address() as AddressInfo).port;
});
afterAll(async () => {
  await srv?.close();
  await t?.close();
});

/** A request over a real connection, its body as text. */
const raw = async (method: string, urlPath: string, headers?: Record<string, string>, body?: string) => {
  const res = await rawRequest(port, method, urlPath, headers, body);
  return { ...res, body: res.body.toString() };
};
const meaningful = meaningfulHeaders;

const HEADER_SAFE = /^[\x21-\x7e]+$/;

describe('redirect_url that cannot go in a Location header as typed', () => {
  it('is stored normalised (punycode host, percent-encoded path, no CR/LF)', async () => {
    const a = await t.tenant();
    const cases: [string, string][] = [
      ['https://例え.jp/パス', 'https://xn--r8jz45g.jp/%E3%83%91%E3%82%B9'],
      ['https://a.example/x\r\nSet-Cookie: a=b', 'https://a.example/xSet-Cookie:%20a=b'],
      ['https://a.example/2024–2025', 'https://a.example/2024%E2%80%932025'],
      ['https://intranet.example', 'https://intranet.example/'],
    ];
    for (const [typed, stored] of cases) {
      const built = await buildCampaign(t, a, { groups: [people(1, 'redir-')], scenario: { redirect_url: typed } });
      const s = (await t.call('GET', `/api/scenarios/${built.scenarioId}`, { token: a.token })).json().scenario;
      expect(s.redirect_url, typed).toBe(stored);
    }
  });

  // Rows stored before the fix hold the raw value: the tracking server normalises what it reads.
  const stored = ['https://例え.jp/a–b?q=ü', 'https://a.example/x\r\nSet-Cookie: a=b'];

  it('on the fast path (no landing page, success by click): a 302 to the normalised URL, and the process lives', async () => {
    for (const redirectUrl of stored) {
      const f = await trackingFixture(t, { victims: 2, noLanding: true, successAction: 'click', redirectUrl });
      const fast = await raw('GET', `/l/${f.tokens[0]}`);
      expect(fast.status, redirectUrl).toBe(302);
      expect(String(fast.headers.location)).toMatch(HEADER_SAFE);
      expect(fast.headers.location).toBe(new URL(redirectUrl).href);
      expect(fast.headers['set-cookie']).toBeUndefined();
      const routed = await srv.inject({ method: 'GET', url: `/l/${f.tokens[1]}`, headers: { 'user-agent': BROWSER_UA } });
      expect(routed.statusCode).toBe(302);
      expect(meaningful(fast.headers)).toEqual(meaningful(routed.headers));
      expect((await victimRow(t, f.victimIds[0])).succeeded_at).not.toBeNull();
    }
  });

  it('without success by click (the request used to hang) and after a form post (fastify route)', async () => {
    for (const redirectUrl of stored) {
      const f = await trackingFixture(t, { victims: 1, noLanding: true, successAction: 'post', redirectUrl });
      const click = await raw('GET', `/l/${f.tokens[0]}`);
      expect(click.status).toBe(302);
      expect(click.headers.location).toBe(new URL(redirectUrl).href);
      const g = await trackingFixture(t, { victims: 1, redirectUrl });
      const posted = await raw('POST', `/l/${g.tokens[0]}`, { 'user-agent': BROWSER_UA, 'content-type': 'application/x-www-form-urlencoded' }, 'username=jane');
      expect(posted.status).toBe(303);
      expect(posted.headers.location).toBe(new URL(redirectUrl).href);
      expect(String(posted.headers['content-type'] ?? '')).not.toMatch(/json/);
    }
  });
});

describe('password inputs of a landing page', () => {
  const SECRET = 'Hunter2-Quoted-Gt';
  const pages: [string, string][] = [
    ['a ">" inside a quoted attribute', '<input placeholder="8 > chars" type="password" name="answer">'],
    ['a data-name attribute before name', '<input type="password" data-name="x" name="answer">'],
    ["single quotes and upper case", "<INPUT TYPE='PASSWORD' title='a > b' NAME='answer'>"],
    ['unquoted values and a slash', '<input/type=Password/name=answer>'],
    ['an entity in the name', '<input type="password" name="ans&#119;er">'],
    ['no space after a closing quote', '<input id="p"name="answer"type="password">'],
    ['a quote inside a bare value', "<input type=password name=answer title=don't>"],
    ['autofilled as a one-time code', '<input type="text" inputmode="numeric" autocomplete="one-time-code" name="answer">'],
  ];

  it.each(pages)('never stores the value with collect_data full: %s', async (_label, input) => {
    const landing = `<html><body><form method="post" action="{{form_action}}"><input name="username">${input}<button>Go</button></form></body></html>`;
    const f = await trackingFixture(t, { collectData: 'full', landing: { en: landing }, victims: 1 });
    const posted = await raw('POST', `/l/${f.tokens[0]}`, { 'user-agent': BROWSER_UA, 'content-type': 'application/x-www-form-urlencoded' }, new URLSearchParams({ username: 'jane@corp.example', answer: SECRET }).toString());
    expect(posted.status).toBeLessThan(400);
    const events = await eventsOf(t, f.victimIds[0]);
    const submit = events.find((e) => e.type === 'submit')!;
    expect(JSON.parse(submit.data)).toEqual({ valid: true, fields: [{ name: 'username', value: 'jane@corp.example' }], password_present: true });
    expect(JSON.stringify(events)).not.toContain(SECRET);
    // Nowhere: not in any table (the journal in the database included), nor in a journal file.
    for (const table of await t.tables()) {
      const rows = await t.core.database.db.selectFrom(table.name as never).selectAll().execute();
      expect(JSON.stringify(rows), table.name).not.toContain(SECRET);
    }
    const dir = path.join(t.config.dataDir, 'tracking-journal');
    const files = existsSync(dir) ? readdirSync(dir) : [];
    if (!usingPostgres()) expect(files.length).toBeGreaterThan(0);
    for (const name of files) expect(readFileSync(path.join(dir, name), 'utf8')).not.toContain(SECRET);
  });
});

describe('URLs that fastify refuses before routing', () => {
  it('answer the neutral 404, the same bytes and headers as an unknown token', async () => {
    const unknown = await raw('GET', '/l/unknown-token');
    expect(unknown.status).toBe(404);
    expect(unknown.headers['x-content-type-options']).toBe('nosniff');
    for (const url of ['/l/%E0%A4%A', '/o/%ZZ.gif', '/r/%C0%AF', `/o/${'a'.repeat(600)}`, `/l/${'b'.repeat(501)}?x=1`, `/a/${'%41'.repeat(200)}x`]) {
      const res = await raw('GET', url);
      expect(res.status, url).toBe(404);
      expect(meaningful(res.headers), url).toEqual(meaningful(unknown.headers));
      expect(res.body, url).toBe(unknown.body);
    }
    const post = await raw('POST', '/l/%E0%A4%A', { 'user-agent': BROWSER_UA, 'content-type': 'application/x-www-form-urlencoded' }, 'a=b');
    expect([post.status, post.body]).toEqual([404, unknown.body]);
  });
});

describe('the report link', () => {
  it('GET /r/ from a scanner or without a user agent is automated and sets nothing', async () => {
    const f = await trackingFixture(t, { victims: 3 });
    const scanner = await raw('GET', `/r/${f.tokens[0]}`, { 'user-agent': SCANNER_UA });
    expect(scanner.status).toBe(200);
    expect(scanner.body).toContain('Thank you for reporting');
    const nobody = await raw('GET', `/r/${f.tokens[1]}`, {});
    expect(nobody.status).toBe(200);
    for (const [i, reason] of [[0, 'user agent is Proofpoint'], [1, 'no user agent']] as const) {
      const [e] = await eventsOf(t, f.victimIds[i]);
      expect(e.verdict).toBe('automated');
      expect(e.reasons).toContain(reason);
      expect((await victimRow(t, f.victimIds[i])).reported_at).toBeNull();
    }
    // A person clicking the link in a browser is still a report.
    await raw('GET', `/r/${f.tokens[2]}`);
    expect((await victimRow(t, f.victimIds[2])).reported_at).not.toBeNull();
  });

  it('a report button POST keeps the relaxed rules (a program acting for the person)', async () => {
    const f = await trackingFixture(t, { victims: 1 });
    const res = await raw('POST', `/r/${f.tokens[0]}`, { 'user-agent': 'python-requests/2.32', 'content-type': 'application/json' }, '{"source":"addin"}');
    expect(res.status).toBe(200);
    expect((await victimRow(t, f.victimIds[0])).reported_at).not.toBeNull();
  });
});

describe('placeholders named like built-in object properties', () => {
  it('are left as they are on landing pages', async () => {
    const landing = '<p>{{constructor}}|{{__proto__}}|{{toString}}|{{hasOwnProperty}}|{{firstname}}</p>';
    const f = await trackingFixture(t, { victims: 1, successAction: 'click', landing: { en: landing } });
    const res = await raw('GET', `/l/${f.tokens[0]}`);
    expect(res.status).toBe(200);
    expect(res.body).toBe('<p>{{constructor}}|{{__proto__}}|{{toString}}|{{hasOwnProperty}}|First0</p>');
  });
});

describe('a request that arrives while the server closes', () => {
  it('gets the neutral page with a 503, not fastify JSON (a request pipelined behind one in flight)', async () => {
    const f = await trackingFixture(t, { victims: 2 });
    const closing = await trackingServer(t);
    await closing.listen({ host: '127.0.0.1', port: 0 });
    const sock = net.connect((closing.server.address() as AddressInfo).port, '127.0.0.1');
    await new Promise((r) => sock.once('connect', r));
    let got = '';
    sock.on('data', (d: Buffer) => (got += d.toString()));
    const ended = new Promise((r) => sock.once('close', r));
    // A form post in flight (half its body sent) while the server starts closing...
    sock.write(`POST /l/${f.tokens[0]} HTTP/1.1\r\nHost: x\r\nUser-Agent: ${BROWSER_UA}\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 13\r\n\r\nuser`);
    await new Promise((r) => setTimeout(r, 100));
    const closed = closing.close();
    await new Promise((r) => setTimeout(r, 100));
    // ...then the rest of it, and a click behind it on the same connection.
    sock.write(`name=jane` + `GET /l/${f.tokens[1]} HTTP/1.1\r\nHost: x\r\nUser-Agent: ${BROWSER_UA}\r\n\r\n`);
    await Promise.race([ended, new Promise((r) => setTimeout(r, 3000))]);
    sock.destroy();
    await closed;
    const answers = got.split(/(?=HTTP\/1\.1 )/);
    expect(answers).toHaveLength(2);
    expect(answers[0]).toMatch(/^HTTP\/1\.1 200 /);
    expect(answers[1]).toMatch(/^HTTP\/1\.1 503 /);
    expect(answers[1]).toMatch(/content-type: text\/html/i);
    expect(answers[1]).not.toMatch(/json|Service Unavailable"/i);
    const unknown = await raw('GET', '/l/unknown-token');
    expect(answers[1].endsWith(unknown.body)).toBe(true);
  });
});
