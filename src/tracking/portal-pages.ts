/**
 * The learner portal's pages: plain semantic HTML that works without JavaScript (every action
 * is a form posted to the server, answered with a redirect to a page), styled by
 * /learn/_/portal.css. Everything that comes from the database is escaped here, except lesson
 * bodies, which go through renderLessonHtml.
 */
import type { AttemptRow } from '../core/training/attempts.ts';
import { scoreQuiz } from '../core/training/attempts.ts';
import type { AssignmentProgress, Dashboard, LessonSummary, LessonView, PathProgress } from '../core/training/portal.ts';
import { esc, longDate, renderLessonHtml, safeHttpUrl, textParagraphs } from './portal-html.ts';

export const ASSET_PREFIX = '/learn/_';

export type FormAction = 'video' | 'transcript' | 'exercise' | 'quiz' | 'complete';

/** What a page needs to build its forms: the personal base path and the per-form keys. */
export interface PageContext {
  token: string;
  formKey(action: FormAction, lessonId: number, attemptId: number): string;
}

const base = (token: string) => `/learn/${encodeURIComponent(token)}`;
const lessonPath = (token: string, lessonId: number) => `${base(token)}/lessons/${lessonId}`;

function layout(title: string, body: string, opts: { token?: string; lang?: string } = {}): string {
  const home = opts.token ? `<a href="${esc(base(opts.token))}">Your security training</a>` : 'Security training';
  return `<!doctype html>
<html lang="${esc(opts.lang ?? 'en')}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex, nofollow">
<meta name="referrer" content="no-referrer">
<title>${esc(title)}</title>
<link rel="icon" href="${ASSET_PREFIX}/icon.svg" type="image/svg+xml">
<link rel="stylesheet" href="${ASSET_PREFIX}/portal.css">
<script src="${ASSET_PREFIX}/portal.js" defer></script>
</head>
<body>
<a class="skip" href="#main">Skip to content</a>
<header class="top"><p>${home}</p></header>
<main id="main">
${body}
</main>
</body>
</html>
`;
}

/** Expired, revoked and forged links alike: nothing says whether the person exists. */
export function invalidLinkPage(): string {
  return layout(
    'This link is no longer valid',
    `<h1>This link is no longer valid</h1>
<section class="card"><p>Personal training links expire after a while, and can be withdrawn.</p>
<p>Ask your security team for a new link.</p></section>`,
  );
}

export function notFoundPage(token: string | null, what = 'This page does not exist'): string {
  return layout(
    'Not found',
    `<h1>${esc(what)}</h1><section class="card"><p>${token ? `<a href="${esc(base(token))}">Back to your training</a>` : 'Check the link and try again.'}</p></section>`,
    { token: token ?? undefined },
  );
}

/** A post the server refused (4xx): says what was wrong and where to go back. */
export function problemPage(token: string | null, message: string, back?: string): string {
  const to = back ?? (token ? base(token) : null);
  return layout(
    'Your answer could not be recorded',
    `<h1>Your answer could not be recorded</h1>
<section class="card warn" role="alert"><p>${esc(message)}</p></section>
${to ? `<p><a href="${esc(to)}">Go back</a></p>` : ''}`,
    { token: token ?? undefined },
  );
}

function progressLine(passed: number, total: number, label: string): string {
  return `<p>${passed} of ${total} ${esc(label)}</p><progress value="${passed}" max="${Math.max(total, 1)}" aria-label="${esc(label)}">${passed} of ${total}</progress>`;
}

function statusBadge(status: string): string {
  const text: Record<string, string> = {
    not_started: 'Not started',
    in_progress: 'In progress',
    passed: 'Passed',
    paused: 'Paused',
    assigned: 'Not started',
    completed: 'Completed',
    overdue: 'Overdue',
    failed: 'Not passed',
  };
  return `<span class="badge ${esc(status)}">${esc(text[status] ?? status)}</span>`;
}

function lessonList(token: string, lessons: LessonSummary[], ordered: boolean, showRequired: boolean): string {
  if (!lessons.length) return '<p class="muted">No lessons yet.</p>';
  const tag = ordered ? 'ol' : 'ul';
  const items = lessons.map((l) => {
    const state = l.passed ? ' <span class="done">Passed ✓</span>' : l.started ? ' <span class="muted">(started)</span>' : '';
    const optional = showRequired && !l.required ? ' <span class="muted">(optional)</span>' : '';
    return `<li><a href="${esc(lessonPath(token, l.id))}">${esc(l.name)}</a>${optional}${state} <span class="muted">· ${l.minutes} min · ${l.points} points</span></li>`;
  });
  return `<${tag} class="lessons">${items.join('\n')}</${tag}>`;
}

function assignmentCard(token: string, a: AssignmentProgress): string {
  const date = esc(longDate(a.dueDate));
  return `<article class="card" aria-labelledby="assignment-${a.id}">
<h3 id="assignment-${a.id}">${esc(a.name)} ${statusBadge(a.status)}</h3>
<p>${a.status === 'overdue' ? `<span class="overdue-note">Overdue: due ${date}</span>` : `Due ${date}`}</p>
${a.description ? `<p class="muted">${esc(a.description)}</p>` : ''}
${progressLine(a.passed, a.total, 'lessons passed')}
${lessonList(token, a.lessons, false, false)}
</article>`;
}

function pathCard(token: string, p: PathProgress): string {
  return `<article class="card" aria-labelledby="path-${p.pathId}">
<h3 id="path-${p.pathId}">${esc(p.name)} ${statusBadge(p.status)}</h3>
<p><strong>Level: ${esc(p.belt)}</strong></p>
${p.description ? `<p class="muted">${esc(p.description)}</p>` : ''}
${progressLine(p.requiredPassed, p.requiredTotal, 'required lessons passed')}
${lessonList(token, p.lessons, true, true)}
</article>`;
}

export function dashboardPage(ctx: PageContext, d: Dashboard): string {
  const name = d.learner.first_name || d.learner.email;
  const assignments = d.assignments.length
    ? d.assignments.map((a) => assignmentCard(ctx.token, a)).join('\n')
    : '<p class="muted">Nothing has been assigned to you.</p>';
  const paths = d.paths.length ? d.paths.map((p) => pathCard(ctx.token, p)).join('\n') : '<p class="muted">You are not enrolled in a learning path yet.</p>';
  return layout(
    'Your security training',
    `<h1>Hello, ${esc(name)}</h1>
<section class="card" aria-labelledby="points-h"><h2 id="points-h">Your points</h2><p class="points">${d.points} points</p>
<p class="muted">Every lesson you pass earns points, once.</p></section>
<div class="grid">
<section aria-labelledby="assignments-h"><h2 id="assignments-h">Assigned to you</h2>
${assignments}
</section>
<section aria-labelledby="paths-h"><h2 id="paths-h">Your learning paths</h2>
${paths}
</section>
</div>`,
    { token: ctx.token },
  );
}

function hidden(ctx: PageContext, action: FormAction, lessonId: number, attemptId: number): string {
  return `<input type="hidden" name="attempt" value="${attemptId}"><input type="hidden" name="key" value="${esc(ctx.formKey(action, lessonId, attemptId))}">`;
}

function choices(name: string, idPrefix: string, list: string[]): string {
  return list
    .map(
      (c, j) =>
        `<label class="choice" for="${idPrefix}-${j}"><input type="radio" id="${idPrefix}-${j}" name="${esc(name)}" value="${j}"${j === 0 ? ' required' : ''}><span>${esc(c)}</span></label>`,
    )
    .join('\n');
}

export interface LessonNotes {
  /** The last exercise answer was wrong (shown once, after the redirect). */
  exerciseWrong?: boolean;
}

export function lessonPage(ctx: PageContext, v: LessonView, notes: LessonNotes = {}): string {
  const { lesson, attempt, quiz, exercise } = v;
  const path = lessonPath(ctx.token, lesson.id);
  const lang = /^[a-zA-Z]{2,3}(-[a-zA-Z0-9]{1,8})?$/.test(lesson.language) ? lesson.language : 'en';
  const parts: string[] = [];
  parts.push(`<p><a href="${esc(base(ctx.token))}">← Back to your training</a></p>`);
  parts.push(`<h1>${esc(lesson.name)}</h1>`);
  parts.push(`<p class="muted">About ${lesson.minutes} minutes · ${lesson.points} points${quiz.length ? ` · quiz pass mark ${lesson.pass_mark}%` : ''}</p>`);
  if (v.passedBefore) parts.push('<p class="notice">You have passed this lesson already. You can go through it again; points are awarded only once.</p>');
  if (lesson.summary) parts.push(`<p><strong>${esc(lesson.summary)}</strong></p>`);
  parts.push(`<article class="card lesson-body" lang="${esc(lang)}">${renderLessonHtml(lesson.content)}</article>`);

  const video = safeHttpUrl(lesson.video_url);
  if (video) {
    parts.push(`<section class="card" id="video" aria-labelledby="video-h"><h2 id="video-h">Video</h2>
<p><a href="${esc(video)}" target="_blank" rel="noopener noreferrer">Watch the video (opens in a new tab)</a></p>
${
  attempt.watched_video === 1
    ? '<p class="notice" role="status">Recorded: you watched the video.</p>'
    : `<form method="post" action="${esc(`${path}/video`)}">${hidden(ctx, 'video', lesson.id, attempt.id)}<button type="submit" class="secondary">I watched the video</button></form>`
}
</section>`);
  }

  if (lesson.transcript) {
    const recorded = attempt.read_transcript === 1;
    parts.push(`<details id="transcript"><summary>Transcript</summary>
<div lang="${esc(lang)}">${textParagraphs(lesson.transcript)}</div>
${
  recorded
    ? '<p class="notice" role="status">Recorded: you read the transcript.</p>'
    : `<form method="post" action="${esc(`${path}/transcript`)}">${hidden(ctx, 'transcript', lesson.id, attempt.id)}<button type="submit" class="secondary">I read the transcript</button></form>`
}
</details>`);
  }

  if (exercise) {
    let state = '';
    if (attempt.exercise_passed === 1) state = '<p class="notice" role="status">Correct: you solved the exercise.</p>';
    else if (notes.exerciseWrong) state = '<p class="warn" role="alert">Not quite. Look at the material again and try once more.</p>';
    parts.push(`<section class="card" id="exercise" aria-labelledby="exercise-h"><h2 id="exercise-h">Exercise</h2>
${exercise.instructions ? `<p>${esc(exercise.instructions)}</p>` : ''}
${exercise.material ? `<pre class="material">${esc(exercise.material)}</pre>` : ''}
${state}
${
  attempt.exercise_passed === 1
    ? ''
    : `<form method="post" action="${esc(`${path}/exercise`)}">${hidden(ctx, 'exercise', lesson.id, attempt.id)}
<fieldset><legend>${esc(exercise.question)}</legend>
${choices('choice', 'exercise', exercise.choices)}
</fieldset>
<button type="submit">Check my answer</button></form>`
}
</section>`);
  }

  if (quiz.length) {
    const waiting = attempt.assessment === 'passed' && attempt.status === 'consumed';
    parts.push(`<section class="card" id="quiz" aria-labelledby="quiz-h"><h2 id="quiz-h">Quiz</h2>
${
  waiting
    ? '<p class="notice" role="status">You passed the quiz. Solve the exercise above to complete the lesson.</p>'
    : `<p>${quiz.length} question${quiz.length === 1 ? '' : 's'}. You need ${lesson.pass_mark}% to pass. You can try as often as you like.</p>
<form method="post" action="${esc(`${path}/quiz`)}">${hidden(ctx, 'quiz', lesson.id, attempt.id)}
${quiz
  .map(
    (q, i) => `<fieldset><legend>Question ${i + 1} of ${quiz.length}: ${esc(q.question)}</legend>
${choices(`q${i}`, `q${i}`, q.choices)}
</fieldset>`,
  )
  .join('\n')}
<button type="submit">Submit my answers</button></form>`
}
</section>`);
  } else {
    parts.push(`<section class="card" id="complete" aria-labelledby="complete-h"><h2 id="complete-h">Finish</h2>
<form method="post" action="${esc(`${path}/complete`)}">${hidden(ctx, 'complete', lesson.id, attempt.id)}<button type="submit">Mark this lesson as done</button></form>
</section>`);
  }
  return layout(lesson.name, parts.join('\n'), { token: ctx.token });
}

export function resultPage(ctx: PageContext, v: Omit<LessonView, 'attempt' | 'passedBefore'>, attempt: AttemptRow, next: LessonSummary | null): string {
  const { lesson, quiz } = v;
  const path = lessonPath(ctx.token, lesson.id);
  let answers: number[] = [];
  try {
    const parsed: unknown = JSON.parse(attempt.quiz_answers);
    if (Array.isArray(parsed)) answers = parsed.map((n) => (typeof n === 'number' ? n : -1));
  } catch {
    answers = [];
  }
  const { right } = scoreQuiz(quiz, answers);
  const passed = attempt.status === 'passed';
  const waiting = attempt.status === 'consumed' && attempt.assessment === 'passed';
  const parts: string[] = [];
  parts.push(`<p><a href="${esc(base(ctx.token))}">← Back to your training</a></p>`);
  parts.push(`<h1>Result: ${esc(lesson.name)}</h1>`);
  const headline = passed ? 'You passed this lesson.' : waiting ? 'You passed the quiz.' : attempt.assessment === 'failed' ? 'Not passed this time.' : 'Lesson recorded.';
  const pointsLine = passed
    ? attempt.points_awarded > 0
      ? `You earned ${attempt.points_awarded} points.`
      : 'Points for this lesson were awarded the first time you passed it.'
    : '';
  parts.push(`<section class="card result ${passed || waiting ? 'passed' : 'failed'}" role="status" aria-labelledby="result-h">
<h2 id="result-h">${esc(headline)}</h2>
${attempt.quiz_score !== null ? `<p>Your score: <strong>${attempt.quiz_score}%</strong>. The pass mark is ${lesson.pass_mark}%.</p>` : ''}
${pointsLine ? `<p>${esc(pointsLine)}</p>` : ''}
${waiting ? `<p><a class="button" href="${esc(`${path}#exercise`)}">Now solve the exercise</a></p>` : ''}
${attempt.status === 'failed' ? `<p><a class="button" href="${esc(`${path}#quiz`)}">Try again</a></p>` : ''}
</section>`);
  if (quiz.length && attempt.quiz_score !== null) {
    const wrong = right.filter((r) => !r).length;
    parts.push(`<section aria-labelledby="answers-h"><h2 id="answers-h">Your answers${wrong ? ` (${wrong} wrong)` : ' (all right)'}</h2>
<ol>
${quiz
  .map((q, i) => {
    const chosen = q.choices[answers[i]] ?? '(no answer)';
    const ok = right[i];
    return `<li class="card"><p><strong>${esc(q.question)}</strong></p>
<p class="answer ${ok ? 'right' : 'wrong'}">Your answer: ${esc(chosen)} — <strong>${ok ? 'right' : 'wrong'}</strong></p>
${!ok && (passed || waiting) ? `<p>The right answer: ${esc(q.choices[q.answer])}</p>` : ''}
${q.explanation ? `<p class="muted">${esc(q.explanation)}</p>` : ''}</li>`;
  })
  .join('\n')}
</ol></section>`);
  }
  const links: string[] = [];
  if (passed && next && next.id !== lesson.id) links.push(`<a class="button" href="${esc(lessonPath(ctx.token, next.id))}">Next lesson: ${esc(next.name)}</a>`);
  links.push(`<a href="${esc(base(ctx.token))}">Back to your training</a>`);
  parts.push(`<p>${links.join(' ')}</p>`);
  return layout(`Result: ${lesson.name}`, parts.join('\n'), { token: ctx.token });
}
