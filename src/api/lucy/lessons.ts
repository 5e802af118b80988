/**
 * Training lessons (Decoy extension in Lucy's style): the built-in catalogue (client_id null,
 * read-only for clients) and a client's own lessons, with quiz, exercise, video and transcript.
 */
import type { FastifyInstance } from 'fastify';
import type { Core } from '../../core/index.ts';
import { lessonExercise, lessonQuiz, MAX_CHOICES, MAX_QUIZ_QUESTIONS, type LessonFilter, type LessonInput, type LessonRow } from '../../core/training/lessons.ts';
import { dateTimeOut, errorResponses, idParams, linksSchema, listQuery, lucyDate, noContent, nullableIdSchema } from './plumbing.ts';

const choices = { type: 'array', minItems: 2, maxItems: MAX_CHOICES, items: { type: 'string', minLength: 1, maxLength: 500 } } as const;
const answer = { type: 'integer', minimum: 0, maximum: MAX_CHOICES - 1, description: 'index of the right choice (0 = the first)' } as const;

const questionSchema = {
  type: 'object',
  required: ['question', 'choices', 'answer'],
  properties: {
    question: { type: 'string', minLength: 1, maxLength: 2000 },
    choices,
    answer,
    explanation: { type: 'string', maxLength: 2000, description: 'shown after answering: why the right answer is right' },
  },
} as const;

const exerciseSchema = {
  type: ['object', 'null'],
  description: 'an optional hands-on exercise: instructions, material to look at, and one multiple-choice question; null: none',
  required: ['question', 'choices', 'answer'],
  properties: {
    instructions: { type: 'string', maxLength: 2000 },
    material: { type: 'string', maxLength: 20000 },
    question: { type: 'string', minLength: 1, maxLength: 2000 },
    choices,
    answer,
  },
} as const;

const lessonFields = {
  name: { type: 'string', minLength: 1, maxLength: 255 },
  topic: { type: 'string', maxLength: 64, description: 'phishing, credentials, data, social, physical, reporting, coding, or your own' },
  summary: { type: 'string', maxLength: 2000 },
  content: { type: 'string', maxLength: 200000, description: 'the lesson body: HTML (<h2>, <h3>, <p>, <ul>, <ol>, <li>, <strong>, <em>, <code>, <pre>, <blockquote>)' },
  video_url: { type: 'string', maxLength: 2000, description: 'an optional http(s) link to a video; empty: none' },
  transcript: { type: 'string', maxLength: 200000, description: 'the video transcript or the lesson read aloud (plain text)' },
  language: { type: 'string', pattern: '^[a-z]{2}(-[A-Za-z]{2})?$', maxLength: 8, description: 'language code, default en' },
  quiz: { type: 'array', maxItems: MAX_QUIZ_QUESTIONS, items: questionSchema },
  exercise: exerciseSchema,
  pass_mark: { type: 'integer', minimum: 0, maximum: 100, description: 'percent of quiz questions to get right to pass (default 80)' },
  points: { type: 'integer', minimum: 0, maximum: 100000, description: 'points a learner earns the first time they pass (default 10)' },
  minutes: { type: 'integer', minimum: 1, maximum: 1000, description: 'how long the lesson takes (default 5)' },
} as const;

export const lessonSchema = {
  type: 'object',
  properties: {
    id: { type: 'integer' },
    client_id: { type: ['integer', 'null'], description: 'null: the built-in catalogue (visible to every client, read-only)' },
    builtin: { type: 'boolean' },
    library_key: { type: 'string', description: "the built-in catalogue's stable key; empty for your own lessons" },
    ...lessonFields,
    exercise: { type: ['object', 'null'], properties: exerciseSchema.properties },
    created_at: dateTimeOut,
    updated_at: dateTimeOut,
    links: linksSchema,
  },
} as const;

const lessonBody = {
  type: 'object',
  required: ['name'],
  properties: {
    ...lessonFields,
    client_id: { ...nullableIdSchema, description: 'super admin only: the client; null adds to the built-in catalogue' },
  },
} as const;

export function lessonResource(l: LessonRow) {
  return {
    id: l.id,
    client_id: l.client_id,
    builtin: l.client_id === null,
    library_key: l.library_key,
    name: l.name,
    topic: l.topic,
    summary: l.summary,
    content: l.content,
    video_url: l.video_url,
    transcript: l.transcript,
    language: l.language,
    quiz: lessonQuiz(l),
    exercise: lessonExercise(l),
    pass_mark: l.pass_mark,
    points: l.points,
    minutes: l.minutes,
    created_at: lucyDate(l.created_at),
    updated_at: lucyDate(l.updated_at),
    links: [{ rel: 'self', href: `/api/lessons/${l.id}` }],
  };
}

const tags = ['training'];
const one = { 200: { type: 'object', properties: { lesson: lessonSchema } }, ...errorResponses };

export default async function lessonRoutes(app: FastifyInstance, core: Core) {
  app.get<{ Querystring: LessonFilter }>(
    '/lessons',
    {
      schema: {
        tags,
        summary: 'List lessons (Decoy extension): the built-in catalogue and your own',
        querystring: {
          ...listQuery,
          properties: {
            ...listQuery.properties,
            topic: { type: 'string', maxLength: 64 },
            language: { type: 'string', maxLength: 8 },
            q: { type: 'string', maxLength: 255, description: 'part of the name' },
            builtin: { type: 'boolean', description: 'true: only the built-in catalogue; false: only your own' },
          },
        },
        response: { 200: { type: 'object', properties: { lessons: { type: 'array', items: lessonSchema } } }, ...errorResponses },
      },
    },
    async (req) => ({ lessons: (await core.training.lessons.list(req.principal, req.query)).map(lessonResource) }),
  );

  app.put<{ Body: LessonInput }>(
    '/lessons',
    { schema: { tags, summary: 'Create a lesson (Decoy extension)', body: lessonBody, response: one } },
    async (req) => ({ lesson: lessonResource(await core.training.lessons.create(req.principal, req.body)) }),
  );

  app.get<{ Params: { id: number } }>(
    '/lessons/:id',
    { schema: { tags, summary: 'Get a lesson (Decoy extension)', params: idParams, response: one } },
    async (req) => ({ lesson: lessonResource(await core.training.lessons.get(req.principal, req.params.id)) }),
  );

  app.post<{ Params: { id: number }; Body: LessonInput }>(
    '/lessons/:id',
    { schema: { tags, summary: 'Save a lesson (built-in lessons: super admin only)', params: idParams, body: lessonBody, response: one } },
    async (req) => ({ lesson: lessonResource(await core.training.lessons.save(req.principal, req.params.id, req.body)) }),
  );

  app.delete<{ Params: { id: number } }>(
    '/lessons/:id',
    { schema: { tags, summary: 'Delete a lesson that is in no path or assignment (built-in: super admin only)', params: idParams, response: errorResponses } },
    async (req, reply) => {
      await core.training.lessons.delete(req.principal, req.params.id);
      return noContent(reply);
    },
  );
}
