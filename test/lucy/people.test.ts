import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, usingPostgres, type TestApp } from '../helpers/app.ts';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(async () => t?.close());

const RECIPIENT_KEYS = [
  'id', 'last_tested', 'recipient_group_id', 'language_id', 'email', 'name', 'phone', 'staff_type', 'location', 'division', 'comment',
  'link', 'gender', 'ldap_based', 'firstname', 'lastname', 'objectguid', 'external_id', 'links', 'custom_fields',
];
const GROUP_KEYS = ['id', 'name', 'usb_attack', 'client_id', 'recipient_count', 'links'];

async function makeGroup(token: string, name = 'Staff', extra: Record<string, unknown> = {}) {
  const res = await t.call('PUT', '/api/recipient-groups', { token, body: { name, usb_attack: false, ...extra } });
  expect(res.statusCode, res.body).toBe(200);
  return res.json().recipient_group as { id: number; client_id: number; recipient_count: number };
}

function people(n: number, from = 0, domain = 'example.test') {
  return Array.from({ length: n }, (_, i) => ({ name: `Person ${from + i}`, email: `person${from + i}@${domain}` }));
}

async function addRecipients(token: string, groupId: number, body: unknown) {
  return t.call('PUT', `/api/recipient-groups/${groupId}/recipients`, { token, body });
}

async function count(token: string, groupId: number): Promise<number> {
  const res = await t.call('GET', `/api/recipient-groups/${groupId}`, { token });
  expect(res.statusCode, res.body).toBe(200);
  return res.json().recipient_group.recipient_count;
}

async function listAll(token: string, groupId: number) {
  const res = await t.call('GET', `/api/recipient-groups/${groupId}/recipients?limit=1000`, { token });
  expect(res.statusCode, res.body).toBe(200);
  return res.json().recipients as Record<string, any>[];
}

function expectError(res: { statusCode: number; json(): any; body: string }, status: number, message: string | RegExp) {
  expect(res.statusCode, res.body).toBe(status);
  const err = res.json().error;
  if (typeof message === 'string') expect(err.message).toBe(message);
  else expect(err.message).toMatch(message);
}

describe('recipient groups', () => {
  it('creates, reads, lists, saves and deletes with the Lucy shape and wrapper keys', async () => {
    const { token, clientId } = await t.tenant();
    const created = await t.call('PUT', '/api/recipient-groups', { token, body: { name: '  Finance ', usb_attack: true, links: [{ rel: 'x' }] } });
    expect(created.statusCode).toBe(200);
    expect(Object.keys(created.json())).toEqual(['recipient_group']);
    const group = created.json().recipient_group;
    expect(Object.keys(group)).toEqual(GROUP_KEYS);
    expect(group).toEqual({
      id: group.id,
      name: 'Finance',
      usb_attack: true,
      client_id: clientId,
      recipient_count: 0,
      links: [
        { rel: 'self', href: `/api/recipient-groups/${group.id}` },
        { rel: 'recipients', href: `/api/recipient-groups/${group.id}/recipients` },
      ],
    });

    const got = await t.call('GET', `/api/recipient-groups/${group.id}`, { token });
    expect(got.json()).toEqual({ recipient_group: group });

    const list = await t.call('GET', '/api/recipient-groups', { token });
    expect(Object.keys(list.json())).toEqual(['recipient_groups']);
    expect(list.json().recipient_groups).toEqual([group]);

    const saved = await t.call('POST', `/api/recipient-groups/${group.id}`, { token, body: { id: group.id, name: 'Finance EU', usb_attack: false } });
    expect(saved.statusCode).toBe(200);
    expect(saved.json().recipient_group).toMatchObject({ id: group.id, name: 'Finance EU', usb_attack: false });

    await addRecipients(token, group.id, people(3));
    const del = await t.call('DELETE', `/api/recipient-groups/${group.id}`, { token });
    expect(del.statusCode).toBe(204);
    expect(del.body).toBe('');
    expectError(await t.call('GET', `/api/recipient-groups/${group.id}`, { token }), 404, 'recipient group not found');
    const orphans = await t.core.database.db.selectFrom('recipients').select('id').where('recipient_group_id', '=', group.id).execute();
    expect(orphans).toEqual([]);
  });

  it('refuses missing and mistyped fields with 400 naming them', async () => {
    const { token } = await t.tenant();
    expectError(await t.call('PUT', '/api/recipient-groups', { token, body: { name: 'x' } }), 400, 'usb_attack: is required');
    expectError(await t.call('PUT', '/api/recipient-groups', { token, body: { usb_attack: true } }), 400, 'name: is required');
    expectError(await t.call('PUT', '/api/recipient-groups', { token, body: { name: 5, usb_attack: true } }), 400, 'name: must be string');
    expectError(await t.call('PUT', '/api/recipient-groups', { token, body: { name: 'x', usb_attack: 'yes' } }), 400, 'usb_attack: must be boolean');
    expectError(await t.call('PUT', '/api/recipient-groups', { token, body: { name: '   ', usb_attack: true } }), 400, 'name: must not be blank');
    expectError(await t.call('PUT', '/api/recipient-groups', { token, body: { name: 'x'.repeat(256), usb_attack: true } }), 400, /^name: must NOT have more than 255/);
    const g = await makeGroup(token);
    expectError(await t.call('POST', `/api/recipient-groups/${g.id}`, { token, body: { name: 'y' } }), 400, 'usb_attack: is required');
    expectError(await t.call('GET', '/api/recipient-groups/abc', { token }), 400, /^id: /);
    expectError(await t.call('GET', '/api/recipient-groups/99999999999', { token }), 400, /^id: /);
    expectError(await t.call('GET', '/api/recipient-groups/2147483000', { token }), 404, 'recipient group not found');
    // Nothing was created by the refused requests.
    const list = await t.call('GET', '/api/recipient-groups', { token });
    expect(list.json().recipient_groups.map((x: any) => x.id)).toEqual([g.id]);
  });

  it('lets a super admin create a group for a client (client_id extension); a client user cannot name another client', async () => {
    const a = await t.tenant();
    const b = await t.tenant();
    const g = await makeGroup(t.rootToken, 'For A', { client_id: a.clientId });
    expect(g.client_id).toBe(a.clientId);
    const seenByA = await t.call('GET', `/api/recipient-groups/${g.id}`, { token: a.token });
    expect(seenByA.statusCode).toBe(200);
    expectError(await t.call('GET', `/api/recipient-groups/${g.id}`, { token: b.token }), 404, 'recipient group not found');
    expectError(
      await t.call('PUT', '/api/recipient-groups', { token: b.token, body: { name: 'sneaky', usb_attack: false, client_id: a.clientId } }),
      404,
      'client not found',
    );
    expectError(await t.call('PUT', '/api/recipient-groups', { token: t.rootToken, body: { name: 'x', usb_attack: false, client_id: 2147483000 } }), 404, 'client not found');
    const own = await makeGroup(b.token, 'own', { client_id: b.clientId });
    expect(own.client_id).toBe(b.clientId);
  });
});

describe('recipients in a group', () => {
  it('creates one recipient from an object body and answers with the group (as the spec says)', async () => {
    const { token } = await t.tenant();
    const g = await makeGroup(token);
    const res = await addRecipients(token, g.id, {
      name: 'Ada Lovelace',
      email: '  Ada.Lovelace@Example.TEST ',
      phone: '+41 44 000 00 00',
      staff_type: 'engineer',
      location: 'Zurich',
      division: 'R&D',
      comment: 'first',
      link: 'https://intranet.example.test/ada',
      gender: 'f',
      ldap_based: true,
      firstname: 'Ada',
      lastname: 'Lovelace',
      objectguid: 'guid-1',
      external_id: 'E-1',
      language_id: 2,
      custom_fields: ['blue', 'tall'],
      id: 999,
      last_tested: '2020-01-01T00:00:00Z',
      links: [{ rel: 'ignored', href: '/x' }],
    });
    expect(res.statusCode, res.body).toBe(200);
    expect(Object.keys(res.json())).toEqual(['recipient_group']);
    expect(res.json().recipient_group).toMatchObject({ id: g.id, recipient_count: 1 });

    const [r] = await listAll(token, g.id);
    expect(Object.keys(r)).toEqual(RECIPIENT_KEYS);
    expect(r).toEqual({
      id: r.id,
      last_tested: null,
      recipient_group_id: g.id,
      language_id: 2,
      email: 'ada.lovelace@example.test',
      name: 'Ada Lovelace',
      phone: '+41 44 000 00 00',
      staff_type: 'engineer',
      location: 'Zurich',
      division: 'R&D',
      comment: 'first',
      link: 'https://intranet.example.test/ada',
      gender: 'f',
      ldap_based: true,
      firstname: 'Ada',
      lastname: 'Lovelace',
      objectguid: 'guid-1',
      external_id: 'E-1',
      links: [
        { rel: 'recipient_group', href: `/api/recipient-groups/${g.id}` },
        { rel: 'language', href: '/api/languages/2' },
      ],
      custom_fields: ['blue', 'tall'],
    });
    expect(r.id).not.toBe(999);

    // The same address again, in any case: 409 naming the field.
    expectError(await addRecipients(token, g.id, { name: 'Ada again', email: 'ADA.lovelace@example.test' }), 409, 'email: "ada.lovelace@example.test" is already in this recipient group');
    // ... but it may be in another group.
    const g2 = await makeGroup(token, 'Other');
    expect((await addRecipients(token, g2.id, { name: 'Ada', email: 'ada.lovelace@example.test' })).statusCode).toBe(200);
    // Only the mandatory fields: the rest defaults.
    await addRecipients(token, g.id, { name: 'Bob', email: 'bob@example.test' });
    const bob = (await listAll(token, g.id)).find((x) => x.email === 'bob@example.test')!;
    expect(bob).toMatchObject({ language_id: null, phone: '', ldap_based: false, custom_fields: [], last_tested: null });
    expect(bob.links).toEqual([{ rel: 'recipient_group', href: `/api/recipient-groups/${g.id}` }]);
  });

  it('refuses a bad single recipient with 400 naming the field', async () => {
    const { token } = await t.tenant();
    const g = await makeGroup(token);
    expectError(await addRecipients(token, g.id, { name: 'No Mail' }), 400, 'email: is required');
    expectError(await addRecipients(token, g.id, { email: 'x@example.test' }), 400, 'name: is required');
    expectError(await addRecipients(token, g.id, { name: 'X', email: 'not-an-address' }), 400, 'email: "not-an-address" is not an email address');
    expectError(await addRecipients(token, g.id, { name: 'X', email: 'x@example.test', language_id: '2' }), 400, 'language_id: must be integer,null');
    expectError(await addRecipients(token, g.id, { name: 'X', email: 'x@example.test', language_id: 9999 }), 400, 'language_id: no language with id 9999 (see GET /api/languages)');
    expectError(await addRecipients(token, g.id, { name: 'X', email: 'x@example.test', ldap_based: 1 }), 400, 'ldap_based: must be boolean');
    expectError(await addRecipients(token, g.id, { name: 'X', email: 'x@example.test', custom_fields: [1] }), 400, 'custom_fields[0]: must be string');
    expectError(await addRecipients(token, g.id, { name: 'X', email: 'x@example.test', phone: 'p'.repeat(65) }), 400, /^phone: must NOT have more than 64 characters/);
    expectError(await addRecipients(token, g.id, 'ada@example.test'), 400, 'body: must be object,array');
    expectError(await addRecipients(token, g.id, 42), 400, 'body: must be object,array');
    expectError(await addRecipients(token, g.id, null), 400, 'body: must be object,array');
    // The path is still validated (and coerced) as everywhere else.
    expectError(await t.call('PUT', '/api/recipient-groups/abc/recipients', { token, body: { name: 'X', email: 'x@example.test' } }), 400, 'id: must be integer');
    expectError(await t.call('PUT', '/api/recipient-groups/0/recipients', { token, body: { name: 'X', email: 'x@example.test' } }), 400, 'id: must be >= 1');
    expectError(await t.call('PUT', '/api/recipient-groups/2147483000/recipients', { token, body: { name: 'X', email: 'x@example.test' } }), 404, 'recipient group not found');
    expect(await count(token, g.id)).toBe(0);
  });

  it('creates 2,000 recipients from one array body in one request', async () => {
    const { token } = await t.tenant();
    const g = await makeGroup(token);
    const rows = people(2000).map((r, i) => ({ ...r, email: i % 2 ? r.email.toUpperCase() : r.email, division: `D${i % 7}`, language_id: i % 3 ? null : 1 }));
    const res = await addRecipients(token, g.id, rows);
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json().recipient_group).toMatchObject({ id: g.id, recipient_count: 2000 });
    const page = await t.call('GET', `/api/recipient-groups/${g.id}/recipients?offset=1990&limit=20`, { token });
    const got = page.json().recipients;
    expect(got).toHaveLength(10);
    expect(got.map((r: any) => r.email)).toEqual(people(10, 1990).map((r) => r.email));
    expect(got[0]).toMatchObject({ name: 'Person 1990', division: `D${1990 % 7}`, recipient_group_id: g.id });
    // An empty array adds nothing and is not an error.
    const empty = await addRecipients(token, g.id, []);
    expect(empty.statusCode).toBe(200);
    expect(empty.json().recipient_group.recipient_count).toBe(2000);
  });

  it('rejects the whole request when one row is bad, naming the row; nothing from it is stored', async () => {
    const { token } = await t.tenant();
    const g = await makeGroup(token);
    await addRecipients(token, g.id, people(5, 0, 'before.test'));

    const missing = people(2000);
    delete (missing[1234] as any).email;
    expectError(await addRecipients(token, g.id, missing), 400, 'recipients[1234].email: is required');

    const badEmail = people(2000);
    badEmail[7].email = 'x';
    expectError(await addRecipients(token, g.id, badEmail), 400, 'recipients[7].email: "x" is not an email address');

    const wrongType = people(100);
    (wrongType[42] as any).ldap_based = 'true';
    expectError(await addRecipients(token, g.id, wrongType), 400, 'recipients[42].ldap_based: must be boolean');

    const notObject = people(10) as unknown[];
    notObject[3] = 'someone@example.test';
    expectError(await addRecipients(token, g.id, notObject), 400, 'recipients[3]: must be an object (a Recipient)');

    const badLanguage = people(1500);
    (badLanguage[1400] as any).language_id = 4242;
    expectError(await addRecipients(token, g.id, badLanguage), 400, 'recipients[1400].language_id: no language with id 4242 (see GET /api/languages)');

    const dupInRequest = people(2000);
    dupInRequest[1500].email = ' PERSON3@example.test';
    expectError(
      await addRecipients(token, g.id, dupInRequest),
      400,
      'recipients[1500].email: "person3@example.test" appears more than once in this request (also recipients[3])',
    );

    // An address already in the group, in the fourth chunk: the three chunks before it were
    // inserted inside the transaction and must be rolled back.
    const dupInGroup = people(2000);
    dupInGroup[1700].email = 'Person2@Before.test';
    expectError(await addRecipients(token, g.id, dupInGroup), 409, 'recipients[1700].email: "person2@before.test" is already in this recipient group');

    expect(await count(token, g.id)).toBe(5);
    const emails = (await listAll(token, g.id)).map((r) => r.email);
    expect(emails).toEqual(people(5, 0, 'before.test').map((r) => r.email));
    // The same rows, corrected, go in.
    const ok = await addRecipients(token, g.id, people(2000));
    expect(ok.json().recipient_group.recipient_count).toBe(2005);
  });

  it('refuses more than 50,000 rows in one request', async () => {
    const { token } = await t.tenant();
    const g = await makeGroup(token);
    const rows = Array.from({ length: 50_001 }, () => ({}));
    expectError(await addRecipients(token, g.id, rows), 400, 'body: must NOT have more than 50000 items');
    expect(await count(token, g.id)).toBe(0);
  });
});

describe('lists: sort, offset, limit', () => {
  it('sorts recipients by a whitelisted column, pages stably, and refuses unknown columns and limits over 1000', async () => {
    const { token } = await t.tenant();
    const g = await makeGroup(token);
    const rows = ['carol', 'alice', 'bob', 'dave', 'erin'].map((n, i) => ({ name: n, email: `${n}@example.test`, location: i % 2 ? 'B' : 'A' }));
    await addRecipients(token, g.id, rows);
    const url = (q: string) => `/api/recipient-groups/${g.id}/recipients?${q}`;
    const names = async (q: string) => (await t.call('GET', url(q), { token })).json().recipients.map((r: any) => r.name);
    expect(await names('')).toEqual(['carol', 'alice', 'bob', 'dave', 'erin']);
    expect(await names('sort=email')).toEqual(['alice', 'bob', 'carol', 'dave', 'erin']);
    expect(await names('sort=-email')).toEqual(['erin', 'dave', 'carol', 'bob', 'alice']);
    // Ties broken by id.
    expect(await names('sort=location')).toEqual(['carol', 'bob', 'erin', 'alice', 'dave']);
    expect(await names('sort=-location')).toEqual(['dave', 'alice', 'erin', 'bob', 'carol']);
    expect(await names('sort=email&offset=1&limit=2')).toEqual(['bob', 'carol']);
    expect(await names('offset=10')).toEqual([]);
    expectError(await t.call('GET', url('sort=password'), { token }), 400, /^sort: unknown column "password"/);
    expectError(await t.call('GET', url('sort=client_id'), { token }), 400, /^sort: unknown column "client_id"/);
    expectError(await t.call('GET', url('limit=1001'), { token }), 400, 'limit: must be <= 1000');
    expectError(await t.call('GET', url('limit=0'), { token }), 400, 'limit: must be >= 1');
    expectError(await t.call('GET', url('offset=-1'), { token }), 400, 'offset: must be >= 0');
    expectError(await t.call('GET', url('limit=ten'), { token }), 400, 'limit: must be integer');
    expectError(await t.call('GET', url("sort=name;drop"), { token }), 400, /^sort: must match pattern/);
  });

  it('sorts and pages groups (also by recipient_count) and custom fields', async () => {
    const { token } = await t.tenant();
    const small = await makeGroup(token, 'b-small');
    const big = await makeGroup(token, 'a-big');
    await addRecipients(token, big.id, people(3));
    await addRecipients(token, small.id, people(1));
    const groups = async (q: string) => (await t.call('GET', `/api/recipient-groups?${q}`, { token })).json().recipient_groups.map((x: any) => x.name);
    expect(await groups('sort=name')).toEqual(['a-big', 'b-small']);
    expect(await groups('sort=-recipient_count')).toEqual(['a-big', 'b-small']);
    expect(await groups('sort=recipient_count')).toEqual(['b-small', 'a-big']);
    expect(await groups('limit=1&offset=1')).toEqual(['a-big']);
    expectError(await t.call('GET', '/api/recipient-groups?sort=client', { token }), 400, /^sort: unknown column "client"/);
    expectError(await t.call('GET', '/api/recipient-groups?limit=1001', { token }), 400, 'limit: must be <= 1000');

    for (const name of ['zeta', 'alpha', 'mid']) await t.call('PUT', '/api/recipient-custom-fields', { token, body: { name } });
    const fields = async (q: string) =>
      (await t.call('GET', `/api/recipient-custom-fields?${q}`, { token })).json()['recipient-custom-fields'].map((x: any) => x.name);
    expect(await fields('')).toEqual(['zeta', 'alpha', 'mid']);
    expect(await fields('sort=-name&limit=2')).toEqual(['zeta', 'mid']);
    expectError(await t.call('GET', '/api/recipient-custom-fields?sort=client_id', { token }), 400, /^sort: unknown column "client_id"/);
    expectError(await t.call('GET', '/api/recipient-custom-fields?limit=1001', { token }), 400, 'limit: must be <= 1000');
  });

  it('pages a group through the (recipient_group_id, id) index, reading only the rows of the page', async () => {
    const { token } = await t.tenant();
    const g = await makeGroup(token);
    await addRecipients(token, g.id, people(300));
    for (const sort of [undefined, '-id']) {
      const plan = (await t.core.people.explainRecipientPage(g.id, { offset: 250, limit: 20, sort })).join('\n');
      if (usingPostgres()) {
        // At this size the planner may use the index as a bitmap; bench/recipients.ts shows the
        // index-only scan a 100,000-recipient group gets.
        expect(plan, plan).toMatch(/(Index Only Scan (Backward )?using|Bitmap Index Scan on) recipients_group_id/);
        expect(plan, plan).not.toMatch(/Seq Scan/);
      } else {
        expect(plan).toMatch(/USING COVERING INDEX recipients_group_id/);
        expect(plan).not.toMatch(/TEMP B-TREE/);
      }
      const res = await t.call('GET', `/api/recipient-groups/${g.id}/recipients?offset=250&limit=20${sort ? `&sort=${sort}` : ''}`, { token });
      const emails = res.json().recipients.map((r: any) => r.email);
      const all = people(300).map((r) => r.email);
      expect(emails).toEqual(sort ? all.reverse().slice(250, 270) : all.slice(250, 270));
    }
  });
});

describe('a single recipient', () => {
  async function setup() {
    const ten = await t.tenant();
    const g = await makeGroup(ten.token, 'Main');
    await addRecipients(ten.token, g.id, [
      { name: 'Eve', email: 'eve@example.test', location: 'Bern', custom_fields: ['x'] },
      { name: 'Mallory', email: 'mallory@example.test' },
    ]);
    const [eve, mallory] = await listAll(ten.token, g.id);
    return { ...ten, g, eve, mallory };
  }

  it('gets, saves (absent fields keep their value) and deletes', async () => {
    const { token, g, eve } = await setup();
    const got = await t.call('GET', `/api/recipients/${eve.id}`, { token });
    expect(Object.keys(got.json())).toEqual(['recipient']);
    expect(got.json().recipient).toEqual(eve);

    const saved = await t.call('POST', `/api/recipients/${eve.id}`, {
      token,
      body: { name: 'Eve Adams', email: ' EVE.ADAMS@Example.test', language_id: 3, ldap_based: true, custom_fields: [], links: [] },
    });
    expect(saved.statusCode, saved.body).toBe(200);
    expect(Object.keys(saved.json())).toEqual(['recipient']);
    expect(saved.json().recipient).toEqual({
      ...eve,
      name: 'Eve Adams',
      email: 'eve.adams@example.test',
      language_id: 3,
      ldap_based: true,
      custom_fields: [],
      location: 'Bern',
      links: [
        { rel: 'recipient_group', href: `/api/recipient-groups/${g.id}` },
        { rel: 'language', href: '/api/languages/3' },
      ],
    });
    const cleared = await t.call('POST', `/api/recipients/${eve.id}`, { token, body: { name: 'Eve Adams', language_id: null, location: '' } });
    expect(cleared.json().recipient).toMatchObject({ language_id: null, location: '', email: 'eve.adams@example.test' });

    const del = await t.call('DELETE', `/api/recipients/${eve.id}`, { token });
    expect(del.statusCode).toBe(204);
    expectError(await t.call('GET', `/api/recipients/${eve.id}`, { token }), 404, 'recipient not found');
    expectError(await t.call('DELETE', `/api/recipients/${eve.id}`, { token }), 404, 'recipient not found');
    expect(await count(token, g.id)).toBe(1);
  });

  it('refuses bad saves with 400/409 naming the field, changing nothing', async () => {
    const { token, eve, mallory } = await setup();
    expectError(await t.call('POST', `/api/recipients/${eve.id}`, { token, body: { email: 'e@example.test' } }), 400, 'name: is required');
    expectError(await t.call('POST', `/api/recipients/${eve.id}`, { token, body: { name: 'E', email: 'nope' } }), 400, 'email: "nope" is not an email address');
    expectError(await t.call('POST', `/api/recipients/${eve.id}`, { token, body: { name: 'E', language_id: 77 } }), 400, 'language_id: no language with id 77 (see GET /api/languages)');
    expectError(await t.call('POST', `/api/recipients/${eve.id}`, { token, body: { name: 'E', language_id: 'de' } }), 400, 'language_id: must be integer,null');
    expectError(await t.call('POST', `/api/recipients/${eve.id}`, { token, body: { name: 'E', recipient_group_id: 0 } }), 400, /^recipient_group_id: must be >= 1/);
    expectError(await t.call('POST', `/api/recipients/${eve.id}`, { token, body: { name: ['E'] } }), 400, 'name: must be string');
    expectError(await t.call('POST', `/api/recipients/${eve.id}`, { token, body: { name: 'E', email: 'MALLORY@example.test' } }), 409, 'email: "mallory@example.test" is already in this recipient group');
    expectError(await t.call('POST', `/api/recipients/${eve.id}`, { token, body: [{ name: 'E' }] }), 400, /^body: must be object/);
    const after = await t.call('GET', `/api/recipients/${eve.id}`, { token });
    expect(after.json().recipient).toEqual(eve);
    expect((await t.call('GET', `/api/recipients/${mallory.id}`, { token })).json().recipient).toEqual(mallory);
  });

  it('moves a recipient to another group of the same client, never to another client', async () => {
    const { token, g, eve } = await setup();
    const other = await makeGroup(token, 'Other');
    await addRecipients(token, other.id, { name: 'Eve twin', email: 'eve@example.test' });
    // The address is taken in the target group.
    expectError(
      await t.call('POST', `/api/recipients/${eve.id}`, { token, body: { name: 'Eve', recipient_group_id: other.id } }),
      409,
      'email: "eve@example.test" is already in this recipient group',
    );
    const third = await makeGroup(token, 'Third');
    const moved = await t.call('POST', `/api/recipients/${eve.id}`, { token, body: { name: 'Eve', recipient_group_id: third.id } });
    expect(moved.statusCode, moved.body).toBe(200);
    expect(moved.json().recipient.recipient_group_id).toBe(third.id);
    expect(moved.json().recipient.links[0]).toEqual({ rel: 'recipient_group', href: `/api/recipient-groups/${third.id}` });
    expect(await count(token, g.id)).toBe(1);
    expect(await count(token, third.id)).toBe(1);

    const stranger = await t.tenant();
    const theirs = await makeGroup(stranger.token, 'Theirs');
    expectError(await t.call('POST', `/api/recipients/${eve.id}`, { token, body: { name: 'Eve', recipient_group_id: theirs.id } }), 404, 'recipient group not found');
    // Even a super admin cannot move a recipient across clients.
    expectError(await t.call('POST', `/api/recipients/${eve.id}`, { token: t.rootToken, body: { name: 'Eve', recipient_group_id: theirs.id } }), 404, 'recipient group not found');
    expect((await t.call('GET', `/api/recipients/${eve.id}`, { token })).json().recipient.recipient_group_id).toBe(third.id);
    expect(await count(stranger.token, theirs.id)).toBe(0);
  });
});

describe('recipient custom fields', () => {
  it('creates, reads, lists, saves and deletes with the dashed wrapper keys', async () => {
    const { token } = await t.tenant();
    const created = await t.call('PUT', '/api/recipient-custom-fields', { token, body: { name: 'Department' } });
    expect(created.statusCode, created.body).toBe(200);
    expect(Object.keys(created.json())).toEqual(['recipient-custom-field']);
    const field = created.json()['recipient-custom-field'];
    expect(field).toEqual({ id: field.id, name: 'Department', ldap_attribute: '' });

    const withLdap = await t.call('PUT', '/api/recipient-custom-fields', { token, body: { name: 'Cost centre', ldap_attribute: 'extensionAttribute1' } });
    const second = withLdap.json()['recipient-custom-field'];
    expect(second).toEqual({ id: second.id, name: 'Cost centre', ldap_attribute: 'extensionAttribute1' });

    const got = await t.call('GET', `/api/recipient-custom-fields/${field.id}`, { token });
    expect(got.json()).toEqual({ 'recipient-custom-field': field });
    const list = await t.call('GET', '/api/recipient-custom-fields', { token });
    expect(list.json()).toEqual({ 'recipient-custom-fields': [field, second] });

    const saved = await t.call('POST', `/api/recipient-custom-fields/${field.id}`, { token, body: { id: field.id, name: 'Dept', ldap_attribute: 'department' } });
    expect(saved.json()).toEqual({ 'recipient-custom-field': { id: field.id, name: 'Dept', ldap_attribute: 'department' } });
    const partial = await t.call('POST', `/api/recipient-custom-fields/${field.id}`, { token, body: { ldap_attribute: 'ou' } });
    expect(partial.json()['recipient-custom-field']).toEqual({ id: field.id, name: 'Dept', ldap_attribute: 'ou' });

    expect((await t.call('DELETE', `/api/recipient-custom-fields/${field.id}`, { token })).statusCode).toBe(204);
    expectError(await t.call('GET', `/api/recipient-custom-fields/${field.id}`, { token }), 404, 'recipient custom field not found');
  });

  it('refuses bad and duplicate names', async () => {
    const { token } = await t.tenant();
    expectError(await t.call('PUT', '/api/recipient-custom-fields', { token, body: {} }), 400, 'name: is required');
    expectError(await t.call('PUT', '/api/recipient-custom-fields', { token, body: { name: 7 } }), 400, 'name: must be string');
    expectError(await t.call('PUT', '/api/recipient-custom-fields', { token, body: { name: ' ' } }), 400, 'name: must not be blank');
    expectError(await t.call('PUT', '/api/recipient-custom-fields', { token, body: { name: 'x', ldap_attribute: false } }), 400, 'ldap_attribute: must be string');
    const a = (await t.call('PUT', '/api/recipient-custom-fields', { token, body: { name: 'Team' } })).json()['recipient-custom-field'];
    const b = (await t.call('PUT', '/api/recipient-custom-fields', { token, body: { name: 'Floor' } })).json()['recipient-custom-field'];
    expectError(await t.call('PUT', '/api/recipient-custom-fields', { token, body: { name: 'Team' } }), 409, 'name: there is already a recipient custom field named "Team"');
    expectError(await t.call('POST', `/api/recipient-custom-fields/${b.id}`, { token, body: { name: 'Team' } }), 409, 'name: there is already a recipient custom field named "Team"');
    // Another client may use the same name.
    const other = await t.tenant();
    expect((await t.call('PUT', '/api/recipient-custom-fields', { token: other.token, body: { name: 'Team' } })).statusCode).toBe(200);
    const list = (await t.call('GET', '/api/recipient-custom-fields', { token })).json()['recipient-custom-fields'];
    expect(list).toEqual([a, b]);
  });
});

describe('tenancy and roles', () => {
  it("answers 404 for another client's groups, recipients and custom fields on every route, and changes nothing", async () => {
    const a = await t.tenant();
    const b = await t.tenant();
    const g = await makeGroup(a.token, 'A staff');
    await addRecipients(a.token, g.id, people(3, 0, 'a.test'));
    const [r] = await listAll(a.token, g.id);
    const f = (await t.call('PUT', '/api/recipient-custom-fields', { token: a.token, body: { name: 'A field' } })).json()['recipient-custom-field'];
    const bGroup = await makeGroup(b.token, 'B staff');

    const before = {
      group: (await t.call('GET', `/api/recipient-groups/${g.id}`, { token: a.token })).json(),
      recipients: await listAll(a.token, g.id),
      field: (await t.call('GET', `/api/recipient-custom-fields/${f.id}`, { token: a.token })).json(),
    };

    const attempts: [string, string, unknown?][] = [
      ['GET', `/api/recipient-groups/${g.id}`],
      ['POST', `/api/recipient-groups/${g.id}`, { name: 'pwned', usb_attack: true }],
      ['DELETE', `/api/recipient-groups/${g.id}`],
      ['GET', `/api/recipient-groups/${g.id}/recipients`],
      ['PUT', `/api/recipient-groups/${g.id}/recipients`, { name: 'Intruder', email: 'intruder@b.test' }],
      ['PUT', `/api/recipient-groups/${g.id}/recipients`, people(2, 0, 'b.test')],
      ['GET', `/api/recipients/${r.id}`],
      ['POST', `/api/recipients/${r.id}`, { name: 'pwned' }],
      ['POST', `/api/recipients/${r.id}`, { name: 'pwned', recipient_group_id: bGroup.id }],
      ['DELETE', `/api/recipients/${r.id}`],
      ['GET', `/api/recipient-custom-fields/${f.id}`],
      ['POST', `/api/recipient-custom-fields/${f.id}`, { name: 'pwned' }],
      ['DELETE', `/api/recipient-custom-fields/${f.id}`],
    ];
    for (const [method, url, body] of attempts) {
      const res = await t.call(method, url, { token: b.token, body });
      expect(res.statusCode, `${method} ${url}: ${res.body}`).toBe(404);
      expect(res.json().error.code).toBe('not_found');
    }
    // B's lists do not show A's rows.
    expect((await t.call('GET', '/api/recipient-groups', { token: b.token })).json().recipient_groups.map((x: any) => x.id)).toEqual([bGroup.id]);
    expect((await t.call('GET', '/api/recipient-custom-fields', { token: b.token })).json()['recipient-custom-fields']).toEqual([]);

    expect((await t.call('GET', `/api/recipient-groups/${g.id}`, { token: a.token })).json()).toEqual(before.group);
    expect(await listAll(a.token, g.id)).toEqual(before.recipients);
    expect((await t.call('GET', `/api/recipient-custom-fields/${f.id}`, { token: a.token })).json()).toEqual(before.field);
    expect(await count(b.token, bGroup.id)).toBe(0);

    // A super admin sees everything, and acting as B sees only B.
    expect((await t.call('GET', `/api/recipients/${r.id}`, { token: t.rootToken })).statusCode).toBe(200);
    const acting = await t.call('GET', `/api/recipients/${r.id}`, { token: t.rootToken, headers: { 'x-decoy-client': String(b.clientId) } });
    expect(acting.statusCode).toBe(404);
  });

  it('lets a view user read but not write (403), changing nothing', async () => {
    const a = await t.tenant();
    const viewer = await t.user(a.clientId, 'view');
    const g = await makeGroup(a.token, 'Viewed');
    await addRecipients(a.token, g.id, people(2));
    const [r] = await listAll(a.token, g.id);
    const f = (await t.call('PUT', '/api/recipient-custom-fields', { token: a.token, body: { name: 'F' } })).json()['recipient-custom-field'];

    for (const url of [`/api/recipient-groups`, `/api/recipient-groups/${g.id}`, `/api/recipient-groups/${g.id}/recipients`, `/api/recipients/${r.id}`, '/api/recipient-custom-fields', `/api/recipient-custom-fields/${f.id}`]) {
      expect((await t.call('GET', url, { token: viewer.token })).statusCode, url).toBe(200);
    }
    const writes: [string, string, unknown?][] = [
      ['PUT', '/api/recipient-groups', { name: 'v', usb_attack: false }],
      ['POST', `/api/recipient-groups/${g.id}`, { name: 'v', usb_attack: false }],
      ['DELETE', `/api/recipient-groups/${g.id}`],
      ['PUT', `/api/recipient-groups/${g.id}/recipients`, { name: 'v', email: 'v@example.test' }],
      ['PUT', `/api/recipient-groups/${g.id}/recipients`, people(3, 100)],
      ['POST', `/api/recipients/${r.id}`, { name: 'v' }],
      ['DELETE', `/api/recipients/${r.id}`],
      ['PUT', '/api/recipient-custom-fields', { name: 'v' }],
      ['POST', `/api/recipient-custom-fields/${f.id}`, { name: 'v' }],
      ['DELETE', `/api/recipient-custom-fields/${f.id}`],
    ];
    for (const [method, url, body] of writes) {
      const res = await t.call(method, url, { token: viewer.token, body });
      expect(res.statusCode, `${method} ${url}`).toBe(403);
      expect(res.json().error.code).toBe('forbidden');
    }
    expect(await count(a.token, g.id)).toBe(2);
    expect((await t.call('GET', `/api/recipient-groups/${g.id}`, { token: a.token })).json().recipient_group.name).toBe('Viewed');
    expect((await t.call('GET', `/api/recipient-custom-fields/${f.id}`, { token: a.token })).json()['recipient-custom-field'].name).toBe('F');
  });

  it('refuses a write without a JSON content type (415)', async () => {
    const a = await t.tenant();
    const g = await makeGroup(a.token);
    const res = await t.call('PUT', `/api/recipient-groups/${g.id}/recipients`, { token: a.token, raw: 'name,email\nx,x@example.test', headers: { 'content-type': 'text/csv' } });
    expect(res.statusCode).toBe(415);
    expect(await count(a.token, g.id)).toBe(0);
  });
});

describe('OpenAPI document', () => {
  it('documents the Recipient schema for the bulk create although only the outer shape is validated by fastify', async () => {
    const res = await t.call('GET', '/api/docs/json');
    expect(res.statusCode).toBe(200);
    const op = res.json().paths['/api/recipient-groups/{id}/recipients'].put;
    const schema = op.requestBody.content['application/json'].schema;
    expect(schema.anyOf).toHaveLength(2);
    expect(schema.anyOf[0].required).toEqual(['name', 'email']);
    expect(schema.anyOf[1].type).toBe('array');
    expect(Object.keys(res.json().paths)).toEqual(expect.arrayContaining(['/api/recipients/{id}', '/api/recipient-custom-fields/{id}']));
  });
});
