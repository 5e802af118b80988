import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../helpers/app.ts';
import { insertLearners, sjClient, sjGet, type SjClient } from './fixtures.ts';

let t: TestApp;

beforeAll(async () => {
  t = await createTestApp();
});
afterAll(async () => t?.close());

async function group(c: SjClient, name: string, people: Record<string, unknown>[]) {
  const g = await t.call('PUT', '/api/recipient-groups', { token: c.token, body: { name, usb_attack: false } });
  expect(g.statusCode, g.body).toBe(200);
  const id = g.json().recipient_group.id;
  const r = await t.call('PUT', `/api/recipient-groups/${id}/recipients`, { token: c.token, body: people });
  expect(r.statusCode, r.body).toBe(200);
  return id as number;
}

const BASE = ['email', 'first_name', 'last_name', 'total_points', 'country'];

describe('GET /api/v2/users', () => {
  it('lists each person once (recipients and learners, by email) with points, and no optional field when nobody has one', async () => {
    const c = await sjClient(t);
    await group(c, 'Sales', [
      { email: 'anna@example.test', name: 'Anna Alpha' },
      { email: 'bob@example.test', name: 'Bob', firstname: 'Robert', lastname: 'Bravo' },
    ]);
    // Anna again in another group, with other data: still one user.
    await group(c, 'Everyone', [{ email: 'anna@example.test', name: 'Anna A.' }]);
    await insertLearners(t.core.database.db, c.clientId, [
      { email: 'anna@example.test', first_name: 'Anna', last_name: 'Alpha', points: 53, country: 'Italy' },
      // A learner with no recipient row (any more).
      { email: 'carla@example.test', first_name: 'Carla', last_name: 'Charlie', points: 10 },
    ]);
    const res = await sjGet(t, c.key, '/api/v2/users');
    expect(res.statusCode, res.body).toBe(200);
    const body = res.json();
    expect(Object.keys(body)).toEqual(['users']);
    expect(body.users).toEqual([
      { email: 'anna@example.test', first_name: 'Anna', last_name: 'Alpha', total_points: 53, country: 'Italy' },
      { email: 'bob@example.test', first_name: 'Robert', last_name: 'Bravo', total_points: 0, country: '' },
      { email: 'carla@example.test', first_name: 'Carla', last_name: 'Charlie', total_points: 10, country: '' },
    ]);
    for (const u of body.users) expect(Object.keys(u)).toEqual(BASE);

    const page = await sjGet(t, c.key, '/api/v2/users?limit=1&offset=1');
    expect(page.json().users.map((u: { email: string }) => u.email)).toEqual(['bob@example.test']);
    const tail = await sjGet(t, c.key, '/api/v2/users?offset=2');
    expect(tail.json().users.map((u: { email: string }) => u.email)).toEqual(['carla@example.test']);
  });

  it('adds an optional field to every user when at least one has a value, mapped from recipient fields and custom fields', async () => {
    const c = await sjClient(t);
    const f = await t.call('PUT', '/api/recipient-custom-fields', { token: c.token, body: { name: 'Cost centre' } });
    expect(f.statusCode, f.body).toBe(200);
    const team = await t.call('PUT', '/api/recipient-custom-fields', { token: c.token, body: { name: 'Team' } });
    expect(team.statusCode, team.body).toBe(200);
    await group(c, 'Engineering', [
      { email: 'dev1@example.test', name: 'Dev One', phone: '+41790000001', staff_type: 'Engineer', division: 'R&D', custom_fields: ['CC-1', 'Platform'] },
      { email: 'dev2@example.test', name: 'Dev Two', objectguid: '', custom_fields: ['CC-2', ''] },
      { email: 'dev3@example.test', name: 'Dev Three', external_id: 'E-0003' },
    ]);
    // A newer row of dev2 with a title: the newest non-blank value counts.
    await group(c, 'Leads', [{ email: 'dev2@example.test', name: 'Dev Two', staff_type: 'Lead' }]);
    const res = await sjGet(t, c.key, '/api/v2/users');
    expect(res.statusCode, res.body).toBe(200);
    const users = res.json().users;
    const fields = [...BASE, 'phone_number', 'title', 'team', 'employee_number', 'business_unit'];
    for (const u of users) expect(Object.keys(u)).toEqual(fields);
    expect(users).toEqual([
      {
        email: 'dev1@example.test',
        first_name: 'Dev',
        last_name: 'One',
        total_points: 0,
        country: '',
        phone_number: '+41790000001',
        title: 'Engineer',
        team: 'Platform',
        employee_number: '',
        business_unit: 'R&D',
      },
      { email: 'dev2@example.test', first_name: 'Dev', last_name: 'Two', total_points: 0, country: '', phone_number: '', title: 'Lead', team: '', employee_number: '', business_unit: '' },
      { email: 'dev3@example.test', first_name: 'Dev', last_name: 'Three', total_points: 0, country: '', phone_number: '', title: '', team: '', employee_number: 'E-0003', business_unit: '' },
    ]);
    // Every page carries the same fields, even one whose people have none of the values.
    const last = await sjGet(t, c.key, '/api/v2/users?offset=2');
    expect(Object.keys(last.json().users[0])).toEqual(fields);
  });

  it('walks many people in batches in the database\'s email order', async () => {
    const c = await sjClient(t);
    const people = Array.from({ length: 37 }, (_, i) => ({ email: `u${String(i).padStart(3, '0')}@example.test`, name: `User ${i}` }));
    // Half are recipients, half learners, some both.
    await group(c, 'Half', people.filter((_, i) => i % 2 === 0));
    await insertLearners(t.core.database.db, c.clientId, people.filter((_, i) => i % 3 === 0).map((p) => ({ email: p.email, points: 5 })));
    const missing = people.filter((_, i) => i % 2 !== 0 && i % 3 !== 0);
    const expected = people.filter((p) => !missing.includes(p)).map((p) => p.email);
    t.core.securityJourney.batchSize = 5;
    try {
      const all = (await sjGet(t, c.key, '/api/v2/users?limit=1200000')).json().users.map((u: { email: string }) => u.email);
      expect(all).toEqual(expected);
      const mid = (await sjGet(t, c.key, '/api/v2/users?limit=10&offset=2')).json().users.map((u: { email: string }) => u.email);
      expect(mid).toEqual(expected.slice(2, 12));
    } finally {
      t.core.securityJourney.batchSize = 2000;
    }
  });

  it('refuses date filters and bad paging parameters with a 400 naming them', async () => {
    const c = await sjClient(t);
    for (const [query, name] of [
      ['updated_after=2022-01-01', 'updated_after'],
      ['updated_before=2022-01-01', 'updated_before'],
      ['limit=-3', 'limit'],
      ['offset=x', 'offset'],
    ]) {
      const res = await sjGet(t, c.key, `/api/v2/users?${query}`);
      expect(res.statusCode, query).toBe(400);
      expect(res.json().error.message).toMatch(new RegExp(`^${name}: `));
    }
  });
});
