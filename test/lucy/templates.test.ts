import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { now } from '../../src/db/index.ts';
import { renderPreview, substitute, TEMPLATE_VARIABLES, unknownVariables } from '../../src/core/templates/variables.ts';
import { createTestApp, type TestApp } from '../helpers/app.ts';

let t: TestApp;
let en: number;
let de: number;

beforeAll(async () => {
  t = await createTestApp();
  const langs = await t.core.database.db.selectFrom('languages').select(['id', 'code']).execute();
  en = langs.find((l) => l.code === 'en')!.id;
  de = langs.find((l) => l.code === 'de')!.id;
});
afterAll(async () => t?.close());

const db = () => t.core.database.db;

async function ok(method: string, url: string, token: string, body?: unknown) {
  const res = await t.call(method, url, { token, body });
  if (res.statusCode >= 300) throw new Error(`${method} ${url}: ${res.statusCode} ${res.body}`);
  return res.statusCode === 204 ? null : res.json();
}

async function libraryCounts() {
  const count = async (table: 'scenario_templates' | 'awareness_templates' | 'attachment_templates' | 'report_templates' | 'campaign_templates') =>
    Number((await db().selectFrom(table).select((eb) => eb.fn.countAll<number>().as('n')).where('client_id', 'is', null).executeTakeFirstOrThrow()).n);
  const contents = Number(
    (await db().selectFrom('scenario_template_contents').select((eb) => eb.fn.countAll<number>().as('n')).where('client_id', 'is', null).executeTakeFirstOrThrow()).n,
  );
  return {
    scenarios: await count('scenario_templates'),
    awareness: await count('awareness_templates'),
    attachments: await count('attachment_templates'),
    reports: await count('report_templates'),
    campaigns: await count('campaign_templates'),
    contents,
  };
}

const SCENARIO_KEYS = [
  'id', 'created_at', 'updated_at', 'type', 'client_id', 'name', 'description', 'no_landing', 'category', 'audience',
  'message_type', 'lure_message_type', 'license', 'license_priority', 'enable', 'forbid', 'links', 'languages',
].sort();

const AWARENESS_KEYS = [
  'id', 'created_at', 'updated_at', 'client_id', 'name', 'description', 'email_sender_name', 'email_sender', 'quiz', 'license',
  'license_priority', 'enabled', 'links', 'languages',
].sort();

function contentFor(lang: number, over: Record<string, unknown> = {}) {
  return {
    language_id: lang,
    sender_name: 'Facilities',
    sender_email: 'facilities@example.com',
    subject: `Subject ${lang} for {{firstname}}`,
    email_html: `<p>Hello {{name}}, <a href="{{link}}">open</a></p>{{pixel}}`,
    email_text: 'Hello {{name}}, open {{link}}',
    landing_html: '<form method="post" action="{{form_action}}"><input name="password"></form>',
    ...over,
  };
}

describe('the built-in library', () => {
  it('is installed on a fresh database: scenario templates of each type, in English and German', async () => {
    const list = (await ok('GET', '/api/scenario-templates?builtin=true&limit=1000', t.rootToken)).scenario_templates as any[];
    expect(list.length).toBeGreaterThanOrEqual(12);
    expect(list.every((s) => s.client_id === null)).toBe(true);
    const byType = (type: string) => list.filter((s) => s.type === type).length;
    expect(byType('hyperlink')).toBeGreaterThanOrEqual(3);
    expect(byType('data')).toBeGreaterThanOrEqual(3);
    expect(byType('file')).toBeGreaterThanOrEqual(3);
    for (const item of list) {
      expect(item.languages.map((l: any) => l.id)).toEqual(expect.arrayContaining([en, de]));
      const full = (await ok('GET', `/api/scenario-templates/${item.id}`, t.rootToken)).scenario_template;
      for (const lang of [en, de]) {
        const c = full.contents.find((x: any) => x.language_id === lang);
        expect(c, `${item.name} language ${lang}`).toBeDefined();
        for (const f of ['subject', 'email_html', 'email_text', 'landing_html', 'sender_name', 'sender_email']) expect(c[f].trim().length, `${item.name} ${f}`).toBeGreaterThan(0);
        expect(c.email_html).toContain('href="{{link}}"');
        expect(c.email_html).toContain('{{pixel}}');
        expect(c.email_text).toContain('{{link}}');
        expect(unknownVariables(c.subject + c.email_html + c.email_text + c.landing_html), item.name).toEqual([]);
        if (item.type === 'data') {
          expect(c.landing_html).toContain('action="{{form_action}}"');
          expect(c.landing_html).toContain('name="password"');
        }
        if (item.type === 'file') {
          expect(c.landing_html).toContain('href="{{download_link}}"');
          expect(c.attachment_name).toMatch(/\.\w{3,4}$/);
        }
      }
      // German is German, not a copy of the English text.
      const [ce, cd] = [en, de].map((l) => full.contents.find((x: any) => x.language_id === l));
      expect(cd.subject).not.toBe(ce.subject);
      expect(cd.email_html).toContain('lang="de"');
    }
  });

  it('has awareness templates in English and German with a page that explains and a quiz', async () => {
    const list = (await ok('GET', '/api/awareness-templates?builtin=true', t.rootToken)).awareness_templates as any[];
    expect(list.length).toBeGreaterThanOrEqual(5);
    for (const item of list) {
      expect(item.quiz).toBe(true);
      const full = (await ok('GET', `/api/awareness-templates/${item.id}`, t.rootToken)).awareness_template;
      for (const lang of [en, de]) {
        const c = full.contents.find((x: any) => x.language_id === lang);
        expect(c, `${item.name} language ${lang}`).toBeDefined();
        for (const f of ['subject', 'email_html', 'email_text', 'page_html']) expect(c[f].trim().length).toBeGreaterThan(0);
        expect(c.page_html).toContain('{{quiz}}');
        expect(c.quiz.length).toBeGreaterThanOrEqual(3);
        for (const q of c.quiz) {
          expect(q.question.length).toBeGreaterThan(0);
          expect(q.answers.length).toBeGreaterThanOrEqual(2);
          expect(q.correct).toBeLessThan(q.answers.length);
        }
      }
    }
  });

  it('has attachment, report and campaign templates with the Lucy shapes and wrapper keys', async () => {
    const attachments = (await ok('GET', '/api/attachment-templates', t.rootToken)).attachment_templates as any[];
    expect(attachments.length).toBeGreaterThanOrEqual(2);
    const a = (await ok('GET', `/api/attachment-templates/${attachments[0].id}`, t.rootToken)).attachment_template;
    expect(a).toMatchObject({ id: attachments[0].id, enable: true, scenarioType: 'file' });
    for (const k of ['id', 'created_at', 'updated_at', 'name', 'enable', 'description', 'variables', 'configurations', 'scenarioType']) expect(a).toHaveProperty(k);
    expect(a.variables.every((v: unknown) => typeof v === 'string')).toBe(true);
    expect(a.created_at).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/);

    const reports = (await ok('GET', '/api/report-templates', t.rootToken)).report_templates as any[];
    expect(reports.length).toBe(2);
    const r = (await ok('GET', `/api/report-templates/${reports[1].id}`, t.rootToken)).report_template;
    expect(r.name).toBeTruthy();
    expect(r.sections.length).toBeGreaterThanOrEqual(4);
    for (const s of r.sections) {
      expect(typeof s.id).toBe('string');
      expect(s.title.length).toBeGreaterThan(0);
    }
    expect(r.sections.map((s: any) => s.title)).toEqual(expect.arrayContaining(['Executive summary', 'Timeline', 'Results per scenario', 'Recommendations']));

    const campaigns = (await ok('GET', '/api/campaign/templates', t.rootToken)).campaign_templates as any[];
    expect(campaigns.length).toBeGreaterThanOrEqual(2);
    expect(Object.keys(campaigns[0]).sort()).toEqual(['id', 'name']);
  });

  it('installing again creates no duplicates, and a deleted built-in template stays deleted', async () => {
    const before = await libraryCounts();
    await t.core.templates.installLibrary();
    await t.core.templates.installLibrary();
    expect(await libraryCounts()).toEqual(before);
    // Forget the version marker: the slow path must still find everything in place.
    await db().deleteFrom('settings').where('key', '=', 'template_library_version').execute();
    await t.core.templates.installLibrary();
    expect(await libraryCounts()).toEqual(before);

    // A super admin deletes a built-in template; an upgrade does not bring it back.
    const { id } = (await ok('PUT', '/api/scenario-templates', t.rootToken, { name: 'Library extra', type: 'hyperlink', client_id: null })).scenario_template;
    await ok('DELETE', `/api/scenario-templates/${id}`, t.rootToken);
    const victim = (await db().selectFrom('scenario_templates').select(['id']).where('library_key', '=', 'voicemail').executeTakeFirstOrThrow()).id;
    await ok('DELETE', `/api/scenario-templates/${victim}`, t.rootToken);
    await db().deleteFrom('settings').where('key', '=', 'template_library_version').execute();
    await t.core.templates.installLibrary();
    const after = await libraryCounts();
    expect(after.scenarios).toBe(before.scenarios - 1);
    expect(after.contents).toBe(before.contents - 2);
    expect((await t.call('GET', `/api/scenario-templates/${victim}`, { token: t.rootToken })).statusCode).toBe(404);
  });
});

describe('scenario template resources', () => {
  it('lists the Lucy resource without texts; the single GET adds them', async () => {
    const { token } = await t.tenant('Shapes Ltd');
    const list = (await ok('GET', '/api/scenario-templates?limit=2', token)).scenario_templates as any[];
    expect(list).toHaveLength(2);
    expect(Object.keys(list[0]).sort()).toEqual(SCENARIO_KEYS);
    expect(list[0].created_at).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/);
    expect(list[0].links).toContainEqual({ rel: 'icon', href: `/api/template-icons/${list[0].type}` });
    const lang = list[0].languages.find((l: any) => l.id === en);
    expect(lang).toEqual({ id: en, name: 'English', image: `/api/languages/${en}/image`, preview: `/api/scenario-templates/${list[0].id}/preview/${en}`, code: 'en' });
    const one = (await ok('GET', `/api/scenario-templates/${list[0].id}`, token)).scenario_template;
    expect(Object.keys(one).sort()).toEqual([...SCENARIO_KEYS, 'contents'].sort());

    const icon = await t.call('GET', list[0].links.find((l: any) => l.rel === 'icon').href);
    expect(icon.statusCode).toBe(200);
    expect(icon.headers['content-type']).toMatch(/^image\/svg\+xml/);
    expect(icon.body).toContain('<svg');
  });

  it('creates, saves and deletes a client template with its texts', async () => {
    const { clientId, token } = await t.tenant('Creator GmbH');
    const created = (
      await ok('PUT', '/api/scenario-templates', token, {
        name: '  Canteen menu  ',
        type: 'data',
        description: 'New canteen menu',
        category: 'Facilities',
        enable: true,
        license_priority: 3,
        contents: [contentFor(en), contentFor(de, { subject: 'Betreff', attachment_name: 'Speiseplan.pdf' })],
        links: [{ rel: 'ignored', href: '/x' }],
      })
    ).scenario_template;
    expect(created).toMatchObject({ name: 'Canteen menu', type: 'data', client_id: clientId, description: 'New canteen menu', license_priority: 3, enable: true, forbid: false, no_landing: false, message_type: 'email' });
    expect(created.languages.map((l: any) => l.id)).toEqual([en, de].sort((a, b) => a - b));
    expect(created.contents.find((c: any) => c.language_id === de)).toMatchObject({ subject: 'Betreff', attachment_name: 'Speiseplan.pdf', sender_name: 'Facilities', lure_subject: '' });
    expect(created.links).toContainEqual({ rel: 'client', href: `/api/clients/${clientId}` });

    // Save: new name, only English remains, and an item with only a subject keeps its other texts.
    const saved = (
      await ok('POST', `/api/scenario-templates/${created.id}`, token, { id: created.id, name: 'Canteen menu v2', contents: [{ language_id: en, subject: 'New subject' }] })
    ).scenario_template;
    expect(saved).toMatchObject({ name: 'Canteen menu v2', type: 'data', description: 'New canteen menu', license_priority: 3 });
    expect(saved.languages.map((l: any) => l.id)).toEqual([en]);
    expect(saved.contents).toHaveLength(1);
    expect(saved.contents[0]).toMatchObject({ subject: 'New subject', email_text: 'Hello {{name}}, open {{link}}' });

    // A save without contents leaves them alone.
    const renamed = (await ok('POST', `/api/scenario-templates/${created.id}`, token, { name: 'Canteen menu v3', type: 'hyperlink' })).scenario_template;
    expect(renamed).toMatchObject({ name: 'Canteen menu v3', type: 'hyperlink' });
    expect(renamed.contents).toHaveLength(1);

    const mine = (await ok('GET', '/api/scenario-templates?builtin=false', token)).scenario_templates as any[];
    expect(mine.map((s) => s.id)).toEqual([created.id]);

    expect((await t.call('DELETE', `/api/scenario-templates/${created.id}`, { token })).statusCode).toBe(204);
    expect((await t.call('GET', `/api/scenario-templates/${created.id}`, { token })).statusCode).toBe(404);
    const left = await db().selectFrom('scenario_template_contents').select('id').where('scenario_template_id', '=', created.id).execute();
    expect(left).toEqual([]);
  });

  it("hides a client's templates from other tenants (404) and shows them to the super admin", async () => {
    const a = await t.tenant('Tenant A');
    const b = await t.tenant('Tenant B');
    const tpl = (await ok('PUT', '/api/scenario-templates', a.token, { name: 'A only', type: 'hyperlink', contents: [contentFor(en)] })).scenario_template;
    for (const [method, url, body] of [
      ['GET', `/api/scenario-templates/${tpl.id}`, undefined],
      ['POST', `/api/scenario-templates/${tpl.id}`, { name: 'stolen' }],
      ['DELETE', `/api/scenario-templates/${tpl.id}`, undefined],
      ['GET', `/api/scenario-templates/${tpl.id}/preview/${en}`, undefined],
    ] as const) {
      const res = await t.call(method, url, { token: b.token, body });
      expect(res.statusCode, `${method} ${url}`).toBe(404);
      expect(res.json().error.message).toBe('scenario template not found');
    }
    const listB = (await ok('GET', '/api/scenario-templates?limit=1000', b.token)).scenario_templates as any[];
    expect(listB.some((s) => s.id === tpl.id)).toBe(false);
    expect(listB.every((s) => s.client_id === null || s.client_id === b.clientId)).toBe(true);
    // A client user cannot create for another client either.
    expect((await t.call('PUT', '/api/scenario-templates', { token: b.token, body: { name: 'x', type: 'data', client_id: a.clientId } })).statusCode).toBe(404);

    expect((await ok('GET', `/api/scenario-templates/${tpl.id}`, t.rootToken)).scenario_template.client_id).toBe(a.clientId);
    const rootList = (await ok('GET', '/api/scenario-templates?builtin=false&limit=1000', t.rootToken)).scenario_templates as any[];
    expect(rootList.some((s) => s.id === tpl.id)).toBe(true);
  });

  it('keeps built-in templates read-only for client users; a super admin may change them', async () => {
    const { token } = await t.tenant('Read Only AG');
    const builtin = (await ok('GET', '/api/scenario-templates?builtin=true&limit=1', token)).scenario_templates[0];
    for (const [method, body] of [
      ['POST', { name: 'Mine now' }],
      ['DELETE', undefined],
    ] as const) {
      const res = await t.call(method, `/api/scenario-templates/${builtin.id}`, { token, body });
      expect(res.statusCode).toBe(403);
      expect(res.json().error).toEqual({ code: 'forbidden', message: 'built-in templates are read-only' });
    }
    const aw = (await ok('GET', '/api/awareness-templates?builtin=true&limit=1', token)).awareness_templates[0];
    expect((await t.call('DELETE', `/api/awareness-templates/${aw.id}`, { token })).statusCode).toBe(403);
    expect((await t.call('POST', `/api/awareness-templates/${aw.id}`, { token, body: { name: 'x' } })).statusCode).toBe(403);
    const att = (await ok('GET', '/api/attachment-templates?limit=1', token)).attachment_templates[0];
    const attDel = await t.call('DELETE', `/api/attachment-templates/${att.id}`, { token });
    expect(attDel.statusCode).toBe(403);
    expect(attDel.json().error.message).toBe('built-in templates are read-only');

    // A view user cannot write at all.
    const viewer = await t.user((await t.tenant('Viewers')).clientId, 'view');
    expect((await t.call('PUT', '/api/scenario-templates', { token: viewer.token, body: { name: 'x', type: 'data' } })).statusCode).toBe(403);

    // The super admin edits a built-in template and adds one to the library.
    const saved = (await ok('POST', `/api/scenario-templates/${builtin.id}`, t.rootToken, { name: builtin.name, description: 'Edited by the operator' })).scenario_template;
    expect(saved).toMatchObject({ client_id: null, description: 'Edited by the operator', type: builtin.type });
    expect(saved.contents.length).toBeGreaterThanOrEqual(2);
    const lib = (await ok('PUT', '/api/scenario-templates', t.rootToken, { name: 'Operator library template', type: 'file', client_id: null })).scenario_template;
    expect(lib.client_id).toBeNull();
    expect((await ok('GET', `/api/scenario-templates/${lib.id}`, token)).scenario_template.name).toBe('Operator library template');
    // Without client_id, the super admin's template goes to a client, not the library.
    const dflt = (await ok('PUT', '/api/scenario-templates', t.rootToken, { name: 'Default client template', type: 'file' })).scenario_template;
    expect(dflt.client_id).toEqual(expect.any(Number));
  });

  it('refuses to delete a template that a scenario uses (409)', async () => {
    const { clientId, token } = await t.tenant('In Use Inc');
    const tpl = (await ok('PUT', '/api/scenario-templates', token, { name: 'Used', type: 'hyperlink', contents: [contentFor(en)] })).scenario_template;
    const ts = now();
    const campaign = await db()
      .insertInto('campaigns')
      .values({ client_id: clientId, name: 'C', status: 'idle', created_at: ts, updated_at: ts } as any)
      .returning('id')
      .executeTakeFirstOrThrow();
    await db()
      .insertInto('scenarios')
      .values({ client_id: clientId, campaign_id: campaign.id, scenario_template_id: tpl.id, language_id: en, name: 'S', created_at: ts, updated_at: ts } as any)
      .execute();
    const res = await t.call('DELETE', `/api/scenario-templates/${tpl.id}`, { token });
    expect(res.statusCode).toBe(409);
    expect(res.json().error).toMatchObject({ code: 'conflict' });
    expect(res.json().error.message).toMatch(/used by 1 scenario/);

    const aw = (await ok('PUT', '/api/awareness-templates', token, { name: 'Used awareness' })).awareness_template;
    await db()
      .insertInto('campaign_awareness')
      .values({ client_id: clientId, campaign_id: campaign.id, template_id: aw.id, language_id: en, name: 'A', created_at: ts, updated_at: ts } as any)
      .execute();
    const res2 = await t.call('DELETE', `/api/awareness-templates/${aw.id}`, { token });
    expect(res2.statusCode).toBe(409);
    expect(res2.json().error.message).toMatch(/awareness template is used by 1/);
  });
});

describe('awareness template resources', () => {
  it('creates, reads, saves and deletes a client awareness template with quiz', async () => {
    const a = await t.tenant('Aware Ltd');
    const b = await t.tenant('Other Ltd');
    const quiz = [
      { question: 'Is this a test?', answers: ['Yes', 'No'], correct: 0 },
      { question: 'Report where?', answers: ['Security team', 'Nowhere', 'Sender'], correct: 0 },
    ];
    const created = (
      await ok('PUT', '/api/awareness-templates', a.token, {
        name: 'Our training',
        email_sender_name: 'Security',
        email_sender: 'security@example.com',
        contents: [{ language_id: en, subject: 'Training', email_html: '<p>{{link}}</p>', email_text: '{{link}}', page_html: '<main>{{quiz}}</main>', quiz }],
      })
    ).awareness_template;
    expect(Object.keys(created).sort()).toEqual([...AWARENESS_KEYS, 'contents'].sort());
    expect(created).toMatchObject({ name: 'Our training', client_id: a.clientId, quiz: true, enabled: true, email_sender: 'security@example.com' });
    expect(created.contents[0].quiz).toEqual(quiz);
    expect(created.languages[0].preview).toBe(`/api/awareness-templates/${created.id}/preview/${en}`);

    const list = (await ok('GET', '/api/awareness-templates?builtin=false', a.token)).awareness_templates as any[];
    expect(list.map((x) => x.id)).toEqual([created.id]);
    expect(Object.keys(list[0]).sort()).toEqual(AWARENESS_KEYS);

    expect((await t.call('GET', `/api/awareness-templates/${created.id}`, { token: b.token })).statusCode).toBe(404);
    expect((await t.call('DELETE', `/api/awareness-templates/${created.id}`, { token: b.token })).statusCode).toBe(404);

    const saved = (
      await ok('POST', `/api/awareness-templates/${created.id}`, a.token, {
        name: 'Our training v2',
        enabled: false,
        contents: [
          { language_id: en, quiz: [{ question: 'New?', answers: ['a', 'b', 'c'], correct: 2 }] },
          { language_id: de, subject: 'Schulung', page_html: '<main>{{quiz}}</main>' },
        ],
      })
    ).awareness_template;
    expect(saved).toMatchObject({ name: 'Our training v2', enabled: false, quiz: true });
    const savedEn = saved.contents.find((c: any) => c.language_id === en);
    expect(savedEn).toMatchObject({ subject: 'Training', page_html: '<main>{{quiz}}</main>' });
    expect(savedEn.quiz).toEqual([{ question: 'New?', answers: ['a', 'b', 'c'], correct: 2 }]);
    expect(saved.contents.find((c: any) => c.language_id === de)).toMatchObject({ subject: 'Schulung', quiz: [] });

    expect((await t.call('DELETE', `/api/awareness-templates/${created.id}`, { token: a.token })).statusCode).toBe(204);
    expect((await t.call('GET', `/api/awareness-templates/${created.id}`, { token: a.token })).statusCode).toBe(404);
  });
});

describe('previews', () => {
  it('fills in sample values, HTML-escaped in HTML and as they are in text', async () => {
    const { token } = await t.tenant('Müller & <Söhne>');
    const tpl = (
      await ok('PUT', '/api/scenario-templates', token, {
        name: 'Escaping',
        type: 'data',
        contents: [
          {
            language_id: en,
            subject: 'For {{company}}',
            email_html: '<p>{{company}} / {{ firstname }} / {{unknown_thing}}</p><a href="{{link}}">x</a>{{pixel}}',
            email_text: '{{company}} {{link}}',
            landing_html: '<form action="{{form_action}}"><b>{{company}}</b></form>',
          },
        ],
      })
    ).scenario_template;
    const res = await t.call('GET', `/api/scenario-templates/${tpl.id}/preview/${en}`, { token });
    expect(res.statusCode).toBe(200);
    const p = res.json().preview;
    expect(p.subject).toBe('For Müller & <Söhne>');
    expect(p.html).toContain('<p>Müller &amp; &lt;Söhne&gt; / Alex / {{unknown_thing}}</p>');
    expect(p.html).toContain('href="https://example.com/preview/link"');
    expect(p.text).toBe('Müller & <Söhne> https://example.com/preview/link');
    expect(p.landing_html).toBe('<form action="#"><b>Müller &amp; &lt;Söhne&gt;</b></form>');

    const missing = await t.call('GET', `/api/scenario-templates/${tpl.id}/preview/${de}`, { token });
    expect(missing.statusCode).toBe(404);
    expect(missing.json().error.message).toMatch(/language/);
  });

  it('renders every built-in template and awareness page without leftover placeholders', async () => {
    const { token } = await t.tenant('Preview Co');
    const list = (await ok('GET', '/api/scenario-templates?builtin=true&limit=1000', token)).scenario_templates as any[];
    let withCompany = 0;
    for (const s of list.filter((x) => x.languages.length)) {
      for (const l of s.languages) {
        const p = (await ok('GET', l.preview, token)).preview;
        for (const f of ['subject', 'html', 'text', 'landing_html']) expect(p[f], `${s.name} ${l.code} ${f}`).not.toContain('{{');
        if (p.html.includes('Preview Co')) withCompany++;
      }
    }
    // Internal-looking templates name the caller's own organisation.
    expect(withCompany).toBeGreaterThanOrEqual(10);
    const aw = (await ok('GET', '/api/awareness-templates?builtin=true', token)).awareness_templates as any[];
    const p = (await ok('GET', aw[0].languages.find((l: any) => l.id === de).preview, token)).preview;
    expect(p.page_html).toContain('<form class="decoy-quiz"');
    expect(p.page_html).toContain('Antworten absenden');
    expect(p.page_html).not.toContain('{{');
    expect(p.subject.length).toBeGreaterThan(0);
  });

  it('substitutes variables as documented', () => {
    expect(TEMPLATE_VARIABLES.map((v) => v.name)).toEqual(
      expect.arrayContaining(['name', 'firstname', 'lastname', 'email', 'link', 'pixel', 'company', 'form_action', 'download_link', 'quiz', 'custom.<field name>']),
    );
    const vars = { name: '<Tom & "Jerry">', pixel: '<img src="p.gif">', 'custom.Cost Center': 'CC-1' };
    expect(renderPreview('<b>{{name}}</b>{{pixel}}', vars)).toBe('<b>&lt;Tom &amp; &quot;Jerry&quot;&gt;</b><img src="p.gif">');
    expect(renderPreview('Hi {{name}}', vars, 'text')).toBe('Hi <Tom & "Jerry">');
    expect(substitute('{{custom.Cost Center}} {{custom.other}} {{NAME}}', vars, 'text')).toBe('CC-1 {{custom.other}} <Tom & "Jerry">');
    expect(unknownVariables('{{name}} {{nmae}} {{custom.x}}')).toEqual(['{{nmae}}']);
  });
});

describe('list parameters and filters', () => {
  it('sorts, pages and filters', async () => {
    const { token } = await t.tenant('Lister');
    const all = (await ok('GET', '/api/scenario-templates?sort=name&limit=1000', token)).scenario_templates as any[];
    const byNameDesc = (await ok('GET', '/api/scenario-templates?sort=-name&limit=1000', token)).scenario_templates as any[];
    expect(new Set(all.map((s) => s.name)).size).toBe(all.length);
    expect(byNameDesc.map((s) => s.id)).toEqual([...all].reverse().map((s) => s.id));
    expect(all[0].name.localeCompare(all[all.length - 1].name)).toBeLessThan(0);
    const desc = (await ok('GET', '/api/scenario-templates?sort=-id&limit=1000', token)).scenario_templates as any[];
    expect(desc.map((s) => s.id)).toEqual(all.map((s) => s.id).sort((a, b) => b - a));
    const p1 = (await ok('GET', '/api/scenario-templates?sort=name&limit=3', token)).scenario_templates as any[];
    const p2 = (await ok('GET', '/api/scenario-templates?sort=name&limit=3&offset=3', token)).scenario_templates as any[];
    expect([...p1, ...p2].map((s) => s.id)).toEqual(all.slice(0, 6).map((s) => s.id));

    const files = (await ok('GET', '/api/scenario-templates?type=file', token)).scenario_templates as any[];
    expect(files.length).toBeGreaterThanOrEqual(3);
    expect(files.every((s) => s.type === 'file')).toBe(true);
    const parcel = (await ok('GET', '/api/scenario-templates?q=PARCEL', token)).scenario_templates as any[];
    expect(parcel.map((s) => s.name)).toEqual(['Parcel delivery attempt failed']);
    expect((await ok('GET', '/api/scenario-templates?q=100%25', token)).scenario_templates).toEqual([]);
    const german = (await ok('GET', `/api/scenario-templates?language_id=${de}&limit=1000`, token)).scenario_templates as any[];
    expect(german.length).toBeGreaterThanOrEqual(12);
    expect(german.every((s) => s.languages.some((l: any) => l.id === de))).toBe(true);
    const french = (await ok('GET', `/api/scenario-templates?language_id=${(await db().selectFrom('languages').select('id').where('code', '=', 'fr').executeTakeFirstOrThrow()).id}`, token)).scenario_templates;
    expect(french).toEqual([]);

    const aw = (await ok('GET', '/api/awareness-templates?sort=-name&limit=2&offset=1', token)).awareness_templates as any[];
    expect(aw).toHaveLength(2);
    const reports = (await ok('GET', '/api/report-templates?sort=-id', token)).report_templates as any[];
    expect(reports[0].id).toBeGreaterThan(reports[1].id);
    expect((await ok('GET', '/api/campaign/templates?limit=1&offset=1', token)).campaign_templates).toHaveLength(1);
    expect((await ok('GET', '/api/attachment-templates?sort=name', token)).attachment_templates.length).toBeGreaterThanOrEqual(2);
  });

  it('rejects bad list parameters with a 400 naming them', async () => {
    for (const [url, field] of [
      ['/api/scenario-templates?sort=colour', 'sort:'],
      ['/api/scenario-templates?limit=5000', 'limit:'],
      ['/api/scenario-templates?type=phone', 'type:'],
      ['/api/scenario-templates?language_id=abc', 'language_id:'],
      ['/api/awareness-templates?sort=type', 'sort:'],
      ['/api/report-templates?offset=-1', 'offset:'],
      ['/api/campaign/templates?sort=settings', 'sort:'],
    ] as const) {
      const res = await t.call('GET', url, { token: t.rootToken });
      expect(res.statusCode, url).toBe(400);
      expect(res.json().error.message.startsWith(field), `${url}: ${res.json().error.message}`).toBe(true);
    }
  });
});

describe('bad input', () => {
  it('answers 400 naming the field', async () => {
    const { token } = await t.tenant('Bad Input Ltd');
    const existing = (await ok('PUT', '/api/scenario-templates', token, { name: 'Target', type: 'data' })).scenario_template;
    const cases: [string, string, unknown, string][] = [
      ['PUT', '/api/scenario-templates', { type: 'data' }, 'name: is required'],
      ['PUT', '/api/scenario-templates', { name: 'x' }, 'type: is required'],
      ['PUT', '/api/scenario-templates', { name: 123, type: 'data' }, 'name: must be string'],
      ['PUT', '/api/scenario-templates', { name: '   ', type: 'data' }, 'name: must not be empty'],
      ['PUT', '/api/scenario-templates', { name: 'x', type: 'bogus' }, 'type: must be one of'],
      ['PUT', '/api/scenario-templates', { name: 'x', type: 'data', enable: 'yes' }, 'enable: must be boolean'],
      ['PUT', '/api/scenario-templates', { name: 'x', type: 'data', license_priority: '1' }, 'license_priority: must be integer'],
      ['PUT', '/api/scenario-templates', { name: 'x', type: 'data', contents: { language_id: en } }, 'contents: must be array'],
      ['PUT', '/api/scenario-templates', { name: 'x', type: 'data', contents: [{ subject: 'no language' }] }, 'contents[0].language_id: is required'],
      ['PUT', '/api/scenario-templates', { name: 'x', type: 'data', contents: [{ language_id: 99999 }] }, 'contents[0].language_id: unknown language 99999'],
      ['PUT', '/api/scenario-templates', { name: 'x', type: 'data', contents: [{ language_id: en }, { language_id: en }] }, 'contents[1].language_id: language'],
      ['PUT', '/api/scenario-templates', { name: 'x', type: 'data', contents: [{ language_id: en, subject: 5 }] }, 'contents[0].subject: must be string'],
      ['PUT', '/api/scenario-templates', { name: 'x', type: 'data', contents: [{ language_id: 3000000000 }] }, 'contents[0].language_id: must be <='],
      ['POST', `/api/scenario-templates/${existing.id}`, { description: 'no name' }, 'name: is required'],
      ['POST', `/api/scenario-templates/${existing.id}`, { id: existing.id + 1, name: 'x' }, 'id: '],
      ['POST', `/api/scenario-templates/${existing.id}`, { name: 'x', message_type: 'fax' }, 'message_type: must be one of'],
      ['PUT', '/api/awareness-templates', { description: 'x' }, 'name: is required'],
      ['PUT', '/api/awareness-templates', { name: 'x', quiz: 'yes' }, 'quiz: must be boolean'],
      ['PUT', '/api/awareness-templates', { name: 'x', contents: [{ language_id: 424242 }] }, 'contents[0].language_id: unknown language 424242'],
      ['PUT', '/api/awareness-templates', { name: 'x', contents: [{ language_id: en, quiz: [{ question: 'q', answers: ['a', 'b'], correct: 2 }] }] }, 'contents[0].quiz[0].correct: must be the index'],
      ['PUT', '/api/awareness-templates', { name: 'x', contents: [{ language_id: en, quiz: [{ question: 'q', answers: ['a'], correct: 0 }] }] }, 'contents[0].quiz[0].answers: must NOT have fewer than 2 items'],
      ['PUT', '/api/awareness-templates', { name: 'x', contents: [{ language_id: en, quiz: [{ answers: ['a', 'b'], correct: 0 }] }] }, 'contents[0].quiz[0].question: is required'],
    ];
    for (const [method, url, body, message] of cases) {
      const res = await t.call(method, url, { token, body });
      expect(res.statusCode, `${method} ${url} ${JSON.stringify(body)}: ${res.body}`).toBe(400);
      expect(res.json().error.code).toBe('validation_failed');
      expect(res.json().error.message.startsWith(message), `${JSON.stringify(body)} -> ${res.json().error.message}`).toBe(true);
    }
    for (const url of ['/api/scenario-templates/0', '/api/scenario-templates/99999999999', '/api/awareness-templates/abc', '/api/report-templates/-1']) {
      const res = await t.call('GET', url, { token });
      expect(res.statusCode, url).toBe(400);
      expect(res.json().error.message).toMatch(/^id: /);
    }
    for (const url of ['/api/scenario-templates/2147483647', '/api/awareness-templates/2147483647', '/api/attachment-templates/2147483647', '/api/report-templates/2147483647']) {
      expect((await t.call('GET', url, { token })).statusCode, url).toBe(404);
    }
    const noJson = await t.call('PUT', '/api/scenario-templates', { token, raw: 'name=x', headers: { 'content-type': 'application/x-www-form-urlencoded' } });
    expect(noJson.statusCode).toBe(415);
    expect((await t.call('GET', '/api/template-icons/unknown')).statusCode).toBe(400);
  });
});
