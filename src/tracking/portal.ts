/**
 * The learner portal on the tracking server. The personal link's token, in the path, is the
 * only credential (no password, no cookie):
 *
 *   GET  /learn/:token                                       the learner's paths, assignments and points
 *   GET  /learn/:token/lessons/:lessonId                     a lesson (opening it starts an attempt)
 *   POST /learn/:token/lessons/:lessonId/video|transcript|exercise|quiz|complete
 *                                                            a step, then 303 to a page (POST-redirect-GET)
 *   GET  /learn/:token/lessons/:lessonId/attempts/:attemptId the result of a try
 *   GET  /learn/_/portal.css, portal.js, icon.svg            the style sheet, the optional script, the icon
 *
 * An expired, revoked or forged link gets the same plain page (410, or 404 when it was never
 * ours). Posts are refused (403) when the browser says they come from another site
 * (Sec-Fetch-Site, or an Origin naming another site) and when their per-form key, an HMAC of the link, the lesson, the
 * attempt and the action, is missing or wrong. Pages carry a strict CSP (no inline script or
 * style), no-referrer (the token is in the URL), no-store and noindex; request lines of these
 * routes are not logged below warn, so that tokens stay out of the log.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Core } from '../core/index.ts';
import { classifyHit } from '../core/tracking/classify.ts';
import type { Step } from '../core/training/attempts.ts';
import { checkAnswers, checkChoice, parseExercise, parseQuiz } from '../core/training/attempts.ts';
import type { LearnerRow } from '../core/training/portal.ts';
import { AppError, invalid } from '../errors.ts';
import { parseForm } from './forms.ts';
import { PORTAL_CSS, PORTAL_ICON, PORTAL_JS } from './portal-assets.ts';
import { ASSET_PREFIX, dashboardPage, invalidLinkPage, lessonPage, notFoundPage, problemPage, resultPage, type FormAction, type PageContext } from './portal-pages.ts';
import { SECURITY_HEADERS } from './pages.ts';

export const PORTAL_CSP =
  "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'";

const HTML = 'text/html; charset=utf-8';
const ACTIONS: readonly FormAction[] = ['video', 'transcript', 'exercise', 'quiz', 'complete'];
const ID_PATTERN = /^[1-9]\d{0,9}$/;
/** An id as the database holds them: a positive 32-bit integer (PostgreSQL refuses a larger one in a query). */
const ID = { test: (v: string) => ID_PATTERN.test(v) && Number(v) <= 2_147_483_647 };

interface TokenParams {
  token: string;
}
interface LessonParams extends TokenParams {
  lessonId: string;
}
interface ActionParams extends LessonParams {
  action: string;
}
interface AttemptParams extends LessonParams {
  attemptId: string;
}

/** Registers the portal's routes on the tracking server (an encapsulated plugin with its own error pages). */
export function registerPortal(app: FastifyInstance, core: Core): void {
  void app.register(async (portal) => portalRoutes(portal, core), { logLevel: 'warn' });
}

async function portalRoutes(app: FastifyInstance, core: Core): Promise<void> {
  const service = core.portal;
  const formSecret = createHmac('sha256', 'decoy-learner-portal-forms').update(core.config.secret).digest();
  const formKey = (token: string, action: FormAction, lessonId: number, attemptId: number) =>
    createHmac('sha256', formSecret).update(`${token}|${action}|${lessonId}|${attemptId}`).digest().subarray(0, 18).toString('base64url');
  const context = (token: string): PageContext => ({ token, formKey: (action, lessonId, attemptId) => formKey(token, action, lessonId, attemptId) });
  const publicOrigin = core.config.publicUrl ? new URL(core.config.publicUrl).host : null;

  const send = (reply: FastifyReply, status: number, html: string) =>
    reply.code(status).headers(SECURITY_HEADERS).header('cache-control', 'no-store').header('content-security-policy', PORTAL_CSP).header('x-frame-options', 'DENY').type(HTML).send(html);
  const seeOther = (reply: FastifyReply, location: string) =>
    reply.code(303).headers(SECURITY_HEADERS).header('cache-control', 'no-store').header('location', location).send();

  /** The learner of the link, or the "no longer valid" page already sent. */
  const learnerOf = async (token: string, reply: FastifyReply): Promise<LearnerRow | null> => {
    const r = await service.resolve(token);
    if (r.learner) return r.learner;
    send(reply, r.reason === 'forged' ? 404 : 410, invalidLinkPage());
    return null;
  };

  app.setErrorHandler((err, req, reply) => {
    const status = (err as { statusCode?: number }).statusCode;
    const token = (req.params as Partial<TokenParams> | undefined)?.token ?? null;
    if (status === 413) return send(reply, 413, problemPage(null, 'The form you sent is too large.'));
    if (status && status >= 400 && status < 500) return send(reply, status, problemPage(null, 'The request could not be understood.'));
    req.log.error({ err: { message: (err as Error).message, stack: (err as Error).stack } }, 'learner portal request failed');
    return send(reply, 500, problemPage(token && service.links.verify(token) ? token : null, 'Something went wrong on our side. Please try again in a moment.'));
  });

  app.get(`${ASSET_PREFIX}/portal.css`, async (_req, reply) =>
    reply.headers(SECURITY_HEADERS).header('cache-control', 'public, max-age=3600').type('text/css; charset=utf-8').send(PORTAL_CSS),
  );
  app.get(`${ASSET_PREFIX}/portal.js`, async (_req, reply) =>
    reply.headers(SECURITY_HEADERS).header('cache-control', 'public, max-age=3600').type('text/javascript; charset=utf-8').send(PORTAL_JS),
  );

  app.get(`${ASSET_PREFIX}/icon.svg`, async (_req, reply) =>
    reply.headers(SECURITY_HEADERS).header('cache-control', 'public, max-age=86400').type('image/svg+xml').send(PORTAL_ICON),
  );

  app.get<{ Params: TokenParams }>('/learn/:token', async (req, reply) => {
    const learner = await learnerOf(req.params.token, reply);
    if (!learner) return reply;
    return send(reply, 200, dashboardPage(context(req.params.token), await service.dashboard(learner)));
  });

  app.get<{ Params: LessonParams; Querystring: { exercise?: string } }>('/learn/:token/lessons/:lessonId', async (req, reply) => {
    const { token, lessonId } = req.params;
    const learner = await learnerOf(token, reply);
    if (!learner) return reply;
    const lesson = ID.test(lessonId) ? await service.lessonFor(learner, Number(lessonId)) : null;
    if (!lesson) return send(reply, 404, notFoundPage(token, 'This lesson is not part of your training'));
    // A link scanner or a prefetch sees the lesson but starts no attempt: only people "consume" lessons.
    const byPerson = classifyHit({ method: req.method, headers: req.headers, ip: req.ip, eventType: 'landing', scannerRanges: await core.scannerRanges.compiledFor(learner.client_id) }).verdict === 'human';
    const view = await service.openLesson(learner, lesson, byPerson);
    return send(reply, 200, lessonPage(context(token), view, { exerciseWrong: req.query.exercise === 'wrong' }));
  });

  app.get<{ Params: AttemptParams }>('/learn/:token/lessons/:lessonId/attempts/:attemptId', async (req, reply) => {
    const { token, lessonId, attemptId } = req.params;
    const learner = await learnerOf(token, reply);
    if (!learner) return reply;
    const lesson = ID.test(lessonId) ? await service.lessonFor(learner, Number(lessonId)) : null;
    const attempt = lesson && ID.test(attemptId) ? await service.attempt(learner, lesson.id, Number(attemptId)) : null;
    if (!lesson || !attempt) return send(reply, 404, notFoundPage(token, 'This result is not part of your training'));
    const view = { lesson, quiz: parseQuiz(lesson.quiz), exercise: parseExercise(lesson.exercise) };
    const next = attempt.status === 'passed' ? await service.nextLesson(learner) : null;
    return send(reply, 200, resultPage(context(token), view, attempt, next));
  });

  app.post<{ Params: ActionParams; Body: Buffer | undefined }>('/learn/:token/lessons/:lessonId/:action', async (req, reply) => {
    const { token, lessonId } = req.params;
    const action = req.params.action as FormAction;
    const learner = await learnerOf(token, reply);
    if (!learner) return reply;
    const lessonPath = `/learn/${encodeURIComponent(token)}/lessons/${lessonId}`;
    const refuse = (status: number, message: string) => send(reply, status, problemPage(token, message, ID.test(lessonId) ? lessonPath : undefined));

    if (!ACTIONS.includes(action)) return send(reply, 404, notFoundPage(token));
    const crossSite = crossSiteReason(req, publicOrigin);
    if (crossSite) return refuse(403, crossSite);
    const lesson = ID.test(lessonId) ? await service.lessonFor(learner, Number(lessonId)) : null;
    if (!lesson) return send(reply, 404, notFoundPage(token, 'This lesson is not part of your training'));

    const fields = new Map<string, string>();
    for (const [k, v] of parseForm(req.headers['content-type'], Buffer.isBuffer(req.body) ? req.body : undefined)) if (!fields.has(k)) fields.set(k, v);
    const attemptField = fields.get('attempt') ?? '';
    // 0: the page was shown without a try in progress (the first step starts one).
    if (attemptField !== '0' && !ID.test(attemptField)) return refuse(400, 'attempt: missing or not a number; reload the lesson and answer again.');
    const attemptId = Number(attemptField);
    const key = fields.get('key') ?? '';
    const expected = Buffer.from(formKey(token, action, lesson.id, attemptId));
    const given = Buffer.from(key);
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) return refuse(403, 'key: the form key is missing or wrong (a form of another page or site); reload the lesson and answer again.');

    try {
      const step = stepOf(action, fields, lesson.quiz, lesson.exercise);
      const attempt = await service.record(learner, lesson, attemptId || null, step);
      if (fields.get('js') === '1') return reply.code(204).headers(SECURITY_HEADERS).header('cache-control', 'no-store').send();
      switch (action) {
        case 'video':
          return seeOther(reply, `${lessonPath}#video`);
        case 'transcript':
          return seeOther(reply, `${lessonPath}#transcript`);
        case 'exercise':
          return seeOther(reply, attempt.exercise_passed === 1 ? (attempt.status === 'passed' ? `${lessonPath}/attempts/${attempt.id}` : `${lessonPath}#exercise`) : `${lessonPath}?exercise=wrong#exercise`);
        default:
          return seeOther(reply, `${lessonPath}/attempts/${attempt.id}`);
      }
    } catch (err) {
      if (err instanceof AppError && err.code === 'validation_failed') return refuse(400, err.message);
      throw err;
    }
  });
}

/**
 * Why a post is refused as coming from another site, or null. Browsers send Sec-Fetch-Site on
 * every form post, and it cannot be forged by a page. Origin is checked when it names a site;
 * it is "null" on our own posts, because the pages' Referrer-Policy is no-referrer (the per-form
 * key still has to match).
 */
function crossSiteReason(req: FastifyRequest, publicHost: string | null): string | null {
  const site = req.headers['sec-fetch-site'];
  if (typeof site === 'string' && site !== 'same-origin' && site !== 'none') return `Sec-Fetch-Site: ${site.slice(0, 20)}: forms of the training portal can only be sent from its own pages.`;
  const origin = req.headers.origin;
  if (typeof origin === 'string' && origin !== 'null') {
    let host: string | null;
    try {
      host = new URL(origin).host;
    } catch {
      host = null;
    }
    if (!host || (host !== req.headers.host && host !== publicHost)) return `Origin: ${origin.slice(0, 80)} is not this site: forms of the training portal can only be sent from its own pages.`;
  }
  return null;
}

function stepOf(action: FormAction, fields: Map<string, string>, quizJson: string, exerciseJson: string | null): Step {
  switch (action) {
    case 'video':
      return { kind: 'video' };
    case 'transcript':
      return { kind: 'transcript' };
    case 'complete':
      return { kind: 'complete' };
    case 'exercise': {
      const exercise = parseExercise(exerciseJson);
      if (!exercise) throw invalid('exercise: this lesson has no exercise');
      return { kind: 'exercise', choice: checkChoice('choice', fields.get('choice'), exercise.choices.length) };
    }
    case 'quiz': {
      const quiz = parseQuiz(quizJson);
      if (!quiz.length) throw invalid('quiz: this lesson has no quiz');
      return { kind: 'quiz', answers: checkAnswers(quiz, quiz.map((_, i) => fields.get(`q${i}`))) };
    }
  }
}
