/**
 * Installs the built-in template library (client_id NULL) on start.
 *
 * - Fast when nothing changed: one read of the `template_library_version` setting.
 * - Idempotent and safe with several processes starting at once: built-in rows carry a unique
 *   `library_key`, each item is inserted in its own transaction, and a lost race (unique
 *   violation) just means another process installed it.
 * - A built-in template a super admin deleted stays deleted: the keys ever installed are kept
 *   in the `template_library_keys` setting. Items added to the library in a later version are
 *   installed on the next start.
 */
import { createHash } from 'node:crypto';
import type { Kysely } from 'kysely';
import { now } from '../../db/index.ts';
import type { DB } from '../../db/schema.ts';
import { isUniqueViolation } from '../../errors.ts';
import { awarenessEmailHtml, awarenessEmailText, awarenessPageHtml, landingHtml, scenarioEmailHtml, scenarioEmailText } from './compose.ts';
import { LIBRARY_AWARENESS } from './library/awareness.ts';
import { LIBRARY_ATTACHMENTS, LIBRARY_CAMPAIGN_TEMPLATES, LIBRARY_REPORTS } from './library/other.ts';
import { LIBRARY_SCENARIOS } from './library/scenarios.ts';
import type { LibraryLanguage } from './library/types.ts';

const VERSION_KEY = 'template_library_version';
const KEYS_KEY = 'template_library_keys';
const LICENSE = 'built-in';
const SENDER_DOMAIN = 'example.com';

/** Changes whenever the library gains an item or an item gains a language. */
export const LIBRARY_VERSION = createHash('sha256')
  .update(
    JSON.stringify([
      LIBRARY_SCENARIOS.map((s) => [s.key, Object.keys(s.texts)]),
      LIBRARY_AWARENESS.map((a) => [a.key, Object.keys(a.texts)]),
      LIBRARY_ATTACHMENTS.map((a) => a.key),
      LIBRARY_REPORTS.map((r) => r.key),
      LIBRARY_CAMPAIGN_TEMPLATES.map((c) => c.key),
    ]),
  )
  .digest('hex')
  .slice(0, 16);

async function setSetting(db: Kysely<DB>, key: string, value: string) {
  await db
    .insertInto('settings')
    .values({ key, value })
    .onConflict((oc) => oc.column('key').doUpdateSet({ value }))
    .execute();
}

/** Runs `work`; a unique violation means another process got there first. */
async function once(work: () => Promise<void>): Promise<void> {
  try {
    await work();
  } catch (err) {
    if (!isUniqueViolation(err)) throw err;
  }
}

export async function installLibrary(db: Kysely<DB>): Promise<void> {
  const settings = await db.selectFrom('settings').select(['key', 'value']).where('key', 'in', [VERSION_KEY, KEYS_KEY]).execute();
  const get = (k: string) => settings.find((s) => s.key === k)?.value;
  if (get(VERSION_KEY) === LIBRARY_VERSION) return;

  let installed: Set<string>;
  try {
    installed = new Set(JSON.parse(get(KEYS_KEY) ?? '[]') as string[]);
  } catch {
    installed = new Set();
  }
  const langRows = await db.selectFrom('languages').select(['id', 'code']).execute();
  const langId = new Map(langRows.map((l) => [l.code, l.id]));
  const languagesOf = (texts: Partial<Record<LibraryLanguage, unknown>>) =>
    (Object.keys(texts) as LibraryLanguage[]).filter((code) => langId.has(code)).map((code) => ({ code, id: langId.get(code)! }));
  const t = now();

  // Scenario templates.
  const scenarioRows = await db.selectFrom('scenario_templates').select(['id', 'library_key']).where('library_key', 'is not', null).execute();
  const scenarioByKey = new Map(scenarioRows.map((r) => [r.library_key!, r.id]));
  for (const s of LIBRARY_SCENARIOS) {
    const contentRow = (templateId: number, code: LibraryLanguage, languageId: number) => {
      const text = s.texts[code];
      return {
        client_id: null,
        scenario_template_id: templateId,
        language_id: languageId,
        sender_name: text.sender_name,
        sender_email: `${text.sender_local}@${SENDER_DOMAIN}`,
        subject: text.subject,
        email_html: scenarioEmailHtml(text, s.color, code),
        email_text: scenarioEmailText(text),
        landing_html: landingHtml(text, s.color, code),
        lure_subject: '',
        lure_html: '',
        lure_text: '',
        attachment_name: text.attachment_name ?? '',
        created_at: t,
        updated_at: t,
      };
    };
    const existing = scenarioByKey.get(s.key);
    if (existing !== undefined) {
      const have = new Set(
        (await db.selectFrom('scenario_template_contents').select('language_id').where('scenario_template_id', '=', existing).execute()).map((r) => r.language_id),
      );
      for (const l of languagesOf(s.texts)) {
        if (!have.has(l.id)) await once(async () => void (await db.insertInto('scenario_template_contents').values(contentRow(existing, l.code, l.id)).execute()));
      }
    } else if (!installed.has(s.key)) {
      await once(() =>
        db.transaction().execute(async (trx) => {
          const row = await trx
            .insertInto('scenario_templates')
            .values({
              client_id: null,
              library_key: s.key,
              type: s.type,
              name: s.name,
              description: s.description,
              category: s.category,
              audience: s.audience,
              no_landing: 0,
              message_type: 'email',
              lure_message_type: 'email',
              license: LICENSE,
              license_priority: 0,
              enable: 1,
              forbid: 0,
              created_at: t,
              updated_at: t,
            })
            .returning('id')
            .executeTakeFirstOrThrow();
          const contents = languagesOf(s.texts).map((l) => contentRow(row.id, l.code, l.id));
          if (contents.length) await trx.insertInto('scenario_template_contents').values(contents).execute();
        }),
      );
    }
    installed.add(s.key);
  }

  // Awareness templates.
  const awarenessRows = await db.selectFrom('awareness_templates').select(['id', 'library_key']).where('library_key', 'is not', null).execute();
  const awarenessByKey = new Map(awarenessRows.map((r) => [r.library_key!, r.id]));
  for (const a of LIBRARY_AWARENESS) {
    const contentRow = (templateId: number, code: LibraryLanguage, languageId: number) => {
      const text = a.texts[code];
      return {
        client_id: null,
        awareness_template_id: templateId,
        language_id: languageId,
        subject: text.subject,
        email_html: awarenessEmailHtml(text, code),
        email_text: awarenessEmailText(text),
        page_html: awarenessPageHtml(text, code),
        quiz: JSON.stringify(text.quiz),
        created_at: t,
        updated_at: t,
      };
    };
    const existing = awarenessByKey.get(a.key);
    if (existing !== undefined) {
      const have = new Set(
        (await db.selectFrom('awareness_template_contents').select('language_id').where('awareness_template_id', '=', existing).execute()).map((r) => r.language_id),
      );
      for (const l of languagesOf(a.texts)) {
        if (!have.has(l.id)) await once(async () => void (await db.insertInto('awareness_template_contents').values(contentRow(existing, l.code, l.id)).execute()));
      }
    } else if (!installed.has(a.key)) {
      await once(() =>
        db.transaction().execute(async (trx) => {
          const row = await trx
            .insertInto('awareness_templates')
            .values({
              client_id: null,
              library_key: a.key,
              name: a.name,
              description: a.description,
              email_sender_name: a.email_sender_name,
              email_sender: a.email_sender,
              quiz: 1,
              license: LICENSE,
              license_priority: 0,
              enabled: 1,
              created_at: t,
              updated_at: t,
            })
            .returning('id')
            .executeTakeFirstOrThrow();
          const contents = languagesOf(a.texts).map((l) => contentRow(row.id, l.code, l.id));
          if (contents.length) await trx.insertInto('awareness_template_contents').values(contents).execute();
        }),
      );
    }
    installed.add(a.key);
  }

  // Attachment, report and campaign templates: single rows.
  const present = async (table: 'attachment_templates' | 'report_templates' | 'campaign_templates') =>
    new Set((await db.selectFrom(table).select('library_key').where('library_key', 'is not', null).execute()).map((r) => r.library_key!));

  const attachments = await present('attachment_templates');
  for (const a of LIBRARY_ATTACHMENTS) {
    if (!attachments.has(a.key) && !installed.has(a.key)) {
      await once(async () => {
        await db
          .insertInto('attachment_templates')
          .values({
            client_id: null,
            library_key: a.key,
            name: a.name,
            description: a.description,
            enable: 1,
            variables: JSON.stringify(a.variables),
            configurations: JSON.stringify(a.configurations),
            scenario_type: a.scenario_type,
            created_at: t,
            updated_at: t,
          })
          .execute();
      });
    }
    installed.add(a.key);
  }

  const reports = await present('report_templates');
  for (const r of LIBRARY_REPORTS) {
    if (!reports.has(r.key) && !installed.has(r.key)) {
      await once(async () => {
        await db.insertInto('report_templates').values({ client_id: null, library_key: r.key, name: r.name, sections: JSON.stringify(r.sections) }).execute();
      });
    }
    installed.add(r.key);
  }

  const campaignTemplates = await present('campaign_templates');
  for (const c of LIBRARY_CAMPAIGN_TEMPLATES) {
    if (!campaignTemplates.has(c.key) && !installed.has(c.key)) {
      await once(async () => {
        await db.insertInto('campaign_templates').values({ client_id: null, library_key: c.key, name: c.name, settings: JSON.stringify(c.settings) }).execute();
      });
    }
    installed.add(c.key);
  }

  await setSetting(db, KEYS_KEY, JSON.stringify([...installed].sort()));
  await setSetting(db, VERSION_KEY, LIBRARY_VERSION);
}
