import { sql, type CreateTableBuilder, type Kysely } from 'kysely';
import type { Dialect } from '../index.ts';

/**
 * Training: the lesson catalogue (built-in rows have client_id null), paths of ordered lessons,
 * learners (one per distinct email in a client: the person behind any number of recipients),
 * enrollments (learner in path), assignments (lessons/paths given with a due date), and lesson
 * attempts (what a learner did in a lesson). Awareness certificates are generated files, like
 * exports and reports.
 */
export async function up(db: Kysely<any>, dialect: Dialect): Promise<void> {
  const table = (name: string) => {
    const t = db.schema.createTable(name);
    return dialect === 'postgres'
      ? t.addColumn('id', 'integer', (c) => c.primaryKey().generatedByDefaultAsIdentity())
      : t.addColumn('id', 'integer', (c) => c.primaryKey().autoIncrement());
  };
  const text = (t: CreateTableBuilder<any, any>, ...names: string[]) => {
    for (const n of names) t = t.addColumn(n, 'text', (c) => c.notNull().defaultTo(''));
    return t;
  };
  const ints = (t: CreateTableBuilder<any, any>, ...names: string[]) => {
    for (const n of names) t = t.addColumn(n, 'integer', (c) => c.notNull().defaultTo(0));
    return t;
  };
  const stamps = (t: CreateTableBuilder<any, any>) =>
    t.addColumn('created_at', 'text', (c) => c.notNull()).addColumn('updated_at', 'text', (c) => c.notNull());

  let lessons = table('lessons')
    .addColumn('client_id', 'integer', (c) => c.references('clients.id').onDelete('cascade'))
    .addColumn('quiz', 'text', (c) => c.notNull().defaultTo('[]'))
    .addColumn('exercise', 'text')
    .addColumn('pass_mark', 'integer', (c) => c.notNull().defaultTo(80))
    .addColumn('points', 'integer', (c) => c.notNull().defaultTo(10))
    .addColumn('minutes', 'integer', (c) => c.notNull().defaultTo(5));
  lessons = text(lessons, 'library_key', 'name', 'topic', 'summary', 'content', 'video_url', 'transcript', 'language');
  await stamps(lessons).execute();
  await db.schema.createIndex('lessons_client').on('lessons').columns(['client_id', 'id']).execute();

  let paths = table('paths').addColumn('client_id', 'integer', (c) => c.references('clients.id').onDelete('cascade'));
  paths = text(paths, 'library_key', 'name', 'description', 'role_name');
  await stamps(paths).execute();
  await db.schema.createIndex('paths_client').on('paths').columns(['client_id', 'id']).execute();

  await db.schema
    .createTable('path_lessons')
    .addColumn('path_id', 'integer', (c) => c.notNull().references('paths.id').onDelete('cascade'))
    .addColumn('lesson_id', 'integer', (c) => c.notNull().references('lessons.id').onDelete('cascade'))
    .addColumn('position', 'integer', (c) => c.notNull())
    .addColumn('required', 'integer', (c) => c.notNull().defaultTo(1))
    .addPrimaryKeyConstraint('path_lessons_pk', ['path_id', 'lesson_id'])
    .execute();
  await db.schema.createIndex('path_lessons_lesson').on('path_lessons').column('lesson_id').execute();

  let learners = table('learners')
    .addColumn('client_id', 'integer', (c) => c.notNull().references('clients.id').onDelete('cascade'))
    // Bumped to revoke every personal portal link issued so far.
    .addColumn('link_version', 'integer', (c) => c.notNull().defaultTo(1));
  learners = text(learners, 'email', 'first_name', 'last_name', 'country');
  learners = ints(learners, 'points');
  await stamps(learners).execute();
  await db.schema.createIndex('learners_client_email').unique().on('learners').columns(['client_id', 'email']).execute();
  await db.schema.createIndex('learners_client').on('learners').columns(['client_id', 'id']).execute();

  let enrollments = table('enrollments')
    .addColumn('client_id', 'integer', (c) => c.notNull().references('clients.id').onDelete('cascade'))
    .addColumn('learner_id', 'integer', (c) => c.notNull().references('learners.id').onDelete('cascade'))
    .addColumn('path_id', 'integer', (c) => c.notNull().references('paths.id').onDelete('cascade'))
    // not_started | in_progress | passed | paused
    .addColumn('status', 'text', (c) => c.notNull().defaultTo('not_started'))
    // 0 = White Belt … 7 = Black Belt
    .addColumn('level', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('last_engagement_at', 'text')
    .addColumn('completed_at', 'text');
  enrollments = ints(enrollments, 'required_total', 'required_passed', 'total_lessons', 'total_passed');
  await stamps(enrollments).execute();
  await db.schema.createIndex('enrollments_learner_path').unique().on('enrollments').columns(['learner_id', 'path_id']).execute();
  await db.schema.createIndex('enrollments_client').on('enrollments').columns(['client_id', 'id']).execute();
  await db.schema.createIndex('enrollments_client_updated').on('enrollments').columns(['client_id', 'updated_at']).execute();
  await db.schema.createIndex('enrollments_path').on('enrollments').columns(['path_id']).execute();

  let assignments = table('assignments')
    .addColumn('client_id', 'integer', (c) => c.notNull().references('clients.id').onDelete('cascade'))
    .addColumn('due_date', 'text', (c) => c.notNull())
    // Days between reminder mails to people who have not finished; 0: no reminders.
    .addColumn('remind_every_days', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('created_by', 'integer');
  assignments = text(assignments, 'name', 'description');
  await stamps(assignments).execute();
  await db.schema.createIndex('assignments_client').on('assignments').columns(['client_id', 'id']).execute();

  // What is assigned: lessons and/or paths (exactly one of the two per row).
  await table('assignment_items')
    .addColumn('assignment_id', 'integer', (c) => c.notNull().references('assignments.id').onDelete('cascade'))
    .addColumn('lesson_id', 'integer', (c) => c.references('lessons.id').onDelete('cascade'))
    .addColumn('path_id', 'integer', (c) => c.references('paths.id').onDelete('cascade'))
    .addColumn('position', 'integer', (c) => c.notNull().defaultTo(0))
    .execute();
  await db.schema.createIndex('assignment_items_assignment').on('assignment_items').columns(['assignment_id', 'position']).execute();

  // The recipient groups it was given to (people added to them later are not assigned automatically).
  await db.schema
    .createTable('assignment_groups')
    .addColumn('assignment_id', 'integer', (c) => c.notNull().references('assignments.id').onDelete('cascade'))
    .addColumn('recipient_group_id', 'integer', (c) => c.notNull().references('recipient_groups.id').onDelete('cascade'))
    .addPrimaryKeyConstraint('assignment_groups_pk', ['assignment_id', 'recipient_group_id'])
    .execute();

  // One row per person an assignment was given to: the Security Journey assignments report.
  let assignees = table('assignment_learners')
    .addColumn('client_id', 'integer', (c) => c.notNull().references('clients.id').onDelete('cascade'))
    .addColumn('assignment_id', 'integer', (c) => c.notNull().references('assignments.id').onDelete('cascade'))
    .addColumn('learner_id', 'integer', (c) => c.notNull().references('learners.id').onDelete('cascade'))
    // assigned | in_progress | completed | overdue (overdue is derived from due_date when read)
    .addColumn('status', 'text', (c) => c.notNull().defaultTo('assigned'))
    .addColumn('completed_at', 'text')
    .addColumn('last_reminded_at', 'text');
  assignees = ints(assignees, 'passed', 'total', 'reminders_sent');
  await stamps(assignees).execute();
  await db.schema.createIndex('assignment_learners_unique').unique().on('assignment_learners').columns(['assignment_id', 'learner_id']).execute();
  await db.schema.createIndex('assignment_learners_client').on('assignment_learners').columns(['client_id', 'id']).execute();
  await db.schema.createIndex('assignment_learners_learner').on('assignment_learners').columns(['learner_id']).execute();

  let attempts = table('lesson_attempts')
    .addColumn('client_id', 'integer', (c) => c.notNull().references('clients.id').onDelete('cascade'))
    .addColumn('learner_id', 'integer', (c) => c.notNull().references('learners.id').onDelete('cascade'))
    .addColumn('lesson_id', 'integer', (c) => c.notNull().references('lessons.id').onDelete('cascade'))
    // consumed | passed | failed (Security Journey's status of the attempt)
    .addColumn('status', 'text', (c) => c.notNull().defaultTo('consumed'))
    // not_started | in_progress | passed | failed (the quiz)
    .addColumn('assessment', 'text', (c) => c.notNull().defaultTo('not_started'))
    // null: the lesson has no video / transcript / exercise ("N/A")
    .addColumn('watched_video', 'integer')
    .addColumn('read_transcript', 'integer')
    .addColumn('exercise_passed', 'integer')
    .addColumn('quiz_score', 'integer')
    .addColumn('quiz_answers', 'text', (c) => c.notNull().defaultTo('[]'));
  attempts = ints(attempts, 'passed', 'points_awarded');
  await stamps(attempts).execute();
  await db.schema.createIndex('lesson_attempts_client').on('lesson_attempts').columns(['client_id', 'id']).execute();
  await db.schema.createIndex('lesson_attempts_learner').on('lesson_attempts').columns(['learner_id', 'lesson_id']).execute();

  // Reminders: when the next mail to an assignee is due (null: none); a worker claims a due row
  // by moving it conditionally, so that two workers never send the same reminder.
  await db.schema.alterTable('assignment_learners').addColumn('next_reminder_at', 'text').execute();
  await db.schema.createIndex('assignment_learners_reminder').on('assignment_learners').columns(['next_reminder_at']).where('next_reminder_at', 'is not', null).execute();
  // The built-in catalogue is installed once per key, even with several processes starting at once.
  await db.schema.createIndex('lessons_library_key').unique().on('lessons').column('library_key').where(sql.ref('library_key'), '<>', '').execute();
  await db.schema.createIndex('paths_library_key').unique().on('paths').column('library_key').where(sql.ref('library_key'), '<>', '').execute();
}
