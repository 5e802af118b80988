/**
 * Installs the built-in training catalogue (lessons and paths with client_id NULL) on start,
 * the way the template library is installed (core/templates/install.ts):
 *
 * - Fast when nothing changed: one read of the `training_library_version` setting.
 * - Idempotent and safe with several processes starting at once: built-in rows carry a unique
 *   `library_key` (partial unique index), each item goes in its own transaction, and a lost
 *   race (unique violation) means another process installed it.
 * - A built-in lesson or path a super admin deleted stays deleted: the keys ever installed are
 *   kept in the `training_library_keys` setting. Items added in a later version are installed
 *   on the next start.
 */
import { createHash } from 'node:crypto';
import type { Kysely } from 'kysely';
import { now } from '../../db/index.ts';
import type { DB } from '../../db/schema.ts';
import { isUniqueViolation } from '../../errors.ts';
import { LIBRARY_LESSONS } from './library/lessons.ts';
import { LIBRARY_PATHS } from './library/paths.ts';
import type { LibraryLesson, LibraryPath } from './library/types.ts';

const VERSION_KEY = 'training_library_version';
const KEYS_KEY = 'training_library_keys';

export function trainingLibraryVersion(lessons: LibraryLesson[] = LIBRARY_LESSONS, paths: LibraryPath[] = LIBRARY_PATHS): string {
  return createHash('sha256')
    .update(JSON.stringify([lessons.map((l) => l.key), paths.map((p) => [p.key, p.lessons.map((l) => l.key)])]))
    .digest('hex')
    .slice(0, 16);
}

async function setSetting(db: Kysely<DB>, key: string, value: string) {
  await db
    .insertInto('settings')
    .values({ key, value })
    .onConflict((oc) => oc.column('key').doUpdateSet({ value }))
    .execute();
}

async function once(work: () => Promise<void>): Promise<void> {
  try {
    await work();
  } catch (err) {
    if (!isUniqueViolation(err)) throw err;
  }
}

function lessonRow(l: LibraryLesson, t: string) {
  return {
    client_id: null,
    library_key: l.key,
    name: l.name,
    topic: l.topic,
    summary: l.summary,
    content: l.content,
    video_url: l.videoUrl,
    transcript: l.transcript,
    language: 'en',
    quiz: JSON.stringify(l.quiz.map((q) => ({ question: q.question, choices: q.choices, answer: q.answer, explanation: q.explanation }))),
    exercise: l.exercise ? JSON.stringify(l.exercise) : null,
    pass_mark: l.passMark,
    points: l.points,
    minutes: l.minutes,
    created_at: t,
    updated_at: t,
  };
}

export async function installTrainingLibrary(db: Kysely<DB>, lessons: LibraryLesson[] = LIBRARY_LESSONS, paths: LibraryPath[] = LIBRARY_PATHS): Promise<void> {
  const version = trainingLibraryVersion(lessons, paths);
  const settings = await db.selectFrom('settings').select(['key', 'value']).where('key', 'in', [VERSION_KEY, KEYS_KEY]).execute();
  const get = (k: string) => settings.find((s) => s.key === k)?.value;
  if (get(VERSION_KEY) === version) return;
  let installed: Set<string>;
  try {
    installed = new Set(JSON.parse(get(KEYS_KEY) ?? '[]') as string[]);
  } catch {
    installed = new Set();
  }
  const t = now();

  const presentLessons = async () =>
    new Map((await db.selectFrom('lessons').select(['id', 'library_key']).where('client_id', 'is', null).where('library_key', '<>', '').execute()).map((r) => [r.library_key, r.id]));
  let lessonIds = await presentLessons();
  for (const l of lessons) {
    const key = `lesson:${l.key}`;
    if (!lessonIds.has(l.key) && !installed.has(key)) {
      await once(async () => void (await db.insertInto('lessons').values(lessonRow(l, t)).execute()));
    }
    installed.add(key);
  }
  lessonIds = await presentLessons();

  const presentPaths = new Set(
    (await db.selectFrom('paths').select('library_key').where('client_id', 'is', null).where('library_key', '<>', '').execute()).map((r) => r.library_key),
  );
  for (const p of paths) {
    const key = `path:${p.key}`;
    if (!presentPaths.has(p.key) && !installed.has(key)) {
      await once(() =>
        db.transaction().execute(async (trx) => {
          const row = await trx
            .insertInto('paths')
            .values({ client_id: null, library_key: p.key, name: p.name, description: p.description, role_name: p.roleName, created_at: t, updated_at: t })
            .returning('id')
            .executeTakeFirstOrThrow();
          // Lessons a super admin deleted from the catalogue are left out.
          const members = p.lessons.filter((l) => lessonIds.has(l.key));
          if (members.length) {
            await trx
              .insertInto('path_lessons')
              .values(members.map((l, i) => ({ path_id: row.id, lesson_id: lessonIds.get(l.key)!, position: i + 1, required: l.required ? 1 : 0 })))
              .execute();
          }
        }),
      );
    }
    installed.add(key);
  }

  await setSetting(db, KEYS_KEY, JSON.stringify([...installed].sort()));
  await setSetting(db, VERSION_KEY, version);
}
