import type { Core } from './index.ts';
import { now } from '../db/index.ts';

export const LANGUAGES: { code: string; name: string; is_default?: boolean }[] = [
  { code: 'en', name: 'English', is_default: true },
  { code: 'de', name: 'Deutsch' },
  { code: 'fr', name: 'Français' },
  { code: 'it', name: 'Italiano' },
  { code: 'es', name: 'Español' },
  { code: 'nl', name: 'Nederlands' },
  { code: 'pt', name: 'Português' },
  { code: 'pl', name: 'Polski' },
];

export const BENCHMARK_SECTORS = [
  'Banking and Finance',
  'Insurance',
  'Healthcare',
  'Government and Public Sector',
  'Education',
  'Manufacturing',
  'Retail and E-commerce',
  'Technology',
  'Energy and Utilities',
  'Transport and Logistics',
  'Legal and Professional Services',
  'Non-profit',
];

/** Reference data every installation starts with. Safe to run on every start. */
export async function seedReferenceData(core: Core): Promise<void> {
  const db = core.database.db;
  const existing = new Set((await db.selectFrom('languages').select('code').execute()).map((r) => r.code));
  const missing = LANGUAGES.filter((l) => !existing.has(l.code));
  if (missing.length) {
    await db.insertInto('languages').values(missing.map((l) => ({ code: l.code, name: l.name, is_default: l.is_default ? 1 : 0 }))).execute();
  }
  const anyBenchmark = await db.selectFrom('benchmarks').select('id').limit(1).executeTakeFirst();
  if (!anyBenchmark) await db.insertInto('benchmarks').values(BENCHMARK_SECTORS.map((name) => ({ name }))).execute();
  await core.clients.defaultClient();
  await core.templates.installLibrary();
  await core.training.installLibrary();
  const marker = await db.selectFrom('settings').select('value').where('key', '=', 'seeded_at').executeTakeFirst();
  if (!marker) await db.insertInto('settings').values({ key: 'seeded_at', value: now() }).execute();
}
