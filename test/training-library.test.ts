import { describe, expect, it } from 'vitest';
import { LIBRARY_LESSONS } from '../src/core/training/library/lessons.ts';
import { LIBRARY_PATHS } from '../src/core/training/library/paths.ts';

const TOPICS = ['phishing', 'credentials', 'data', 'social', 'physical', 'reporting', 'coding'];
const ALLOWED_TAGS = new Set(['h2', 'h3', 'p', 'ul', 'ol', 'li', 'strong', 'em', 'code', 'pre', 'blockquote']);
const KEY = /^[a-z0-9]+(-[a-z0-9]+)*$/;

/** Every way a lesson body breaks the HTML subset of types.ts; empty when it is clean. */
function htmlProblems(html: string): string[] {
  const problems: string[] = [];
  const open: string[] = [];
  const tag = /<(\/?)([a-zA-Z0-9]+)([^<>]*)>/g;
  for (const m of html.matchAll(tag)) {
    const [whole, closing, rawName, rest] = m;
    const name = rawName.toLowerCase();
    if (!ALLOWED_TAGS.has(name)) problems.push(`tag not allowed: ${whole}`);
    if (rest.trim() !== '') problems.push(`attributes not allowed: ${whole}`);
    if (closing) {
      const top = open.pop();
      if (top !== name) problems.push(`</${name}> closes <${top ?? 'nothing'}>`);
    } else {
      open.push(name);
    }
  }
  if (open.length > 0) problems.push(`unclosed: ${open.join(', ')}`);
  const text = html.replace(tag, ' ');
  if (/[<>]/.test(text)) problems.push('stray < or > outside a tag (use &lt; and &gt;)');
  for (const m of text.matchAll(/&[^\s;]*;?/g)) {
    if (!/^&(amp|lt|gt|quot|#\d+);$/.test(m[0])) problems.push(`bad entity or bare &: ${m[0]}`);
  }
  return problems;
}

function words(text: string): number {
  return text.split(/\s+/).filter(Boolean).length;
}

function bodyWords(html: string): number {
  return words(html.replace(/<[^>]+>/g, ' ').replace(/&[a-z#0-9]+;/g, 'x'));
}

function checkChoices(where: string, choices: string[], answer: number): void {
  expect(choices.length, `${where}: 3 or 4 choices`).toBeGreaterThanOrEqual(3);
  expect(choices.length, `${where}: 3 or 4 choices`).toBeLessThanOrEqual(4);
  for (const choice of choices) expect(choice.trim(), `${where}: empty choice`).not.toBe('');
  expect(new Set(choices).size, `${where}: duplicate choices`).toBe(choices.length);
  expect(Number.isInteger(answer), `${where}: answer is an index`).toBe(true);
  expect(answer, `${where}: answer index in range`).toBeGreaterThanOrEqual(0);
  expect(answer, `${where}: answer index in range`).toBeLessThan(choices.length);
}

describe('training library: the HTML subset check itself', () => {
  it('accepts the subset and rejects attributes, other tags, bad nesting and raw angle brackets', () => {
    expect(htmlProblems('<h2>T</h2><p>a <strong>b</strong> &lt;script&gt; &amp; c</p><ul><li>x</li></ul>')).toEqual([]);
    expect(htmlProblems('<p onclick="x()">a</p>')).toEqual(['attributes not allowed: <p onclick="x()">']);
    expect(htmlProblems('<p>a <a>link</a></p>')).toEqual(['tag not allowed: <a>', 'tag not allowed: </a>']);
    expect(htmlProblems('<script>alert(1)</script>')).toEqual(['tag not allowed: <script>', 'tag not allowed: </script>']);
    expect(htmlProblems('<p><strong>a</p></strong>')).toEqual(['</p> closes <strong>', '</strong> closes <p>']);
    expect(htmlProblems('<p>a < b</p>')).toEqual(['stray < or > outside a tag (use &lt; and &gt;)']);
    expect(htmlProblems('<p>fish & chips</p>')).toEqual(['bad entity or bare &: &']);
    expect(htmlProblems('<ul><li>open')).toEqual(['unclosed: ul, li']);
  });
});

describe('training library: lessons', () => {
  it('has at least 14 lessons with unique, well-formed keys and names', () => {
    expect(LIBRARY_LESSONS.length).toBeGreaterThanOrEqual(14);
    const keys = LIBRARY_LESSONS.map((l) => l.key);
    expect(new Set(keys).size).toBe(keys.length);
    for (const key of keys) expect(key).toMatch(KEY);
    const names = LIBRARY_LESSONS.map((l) => l.name);
    expect(new Set(names).size).toBe(names.length);
  });

  it('covers all seven required topics and uses no other topic', () => {
    const topics = new Set(LIBRARY_LESSONS.map((l) => l.topic));
    expect([...topics].sort()).toEqual([...TOPICS].sort());
  });

  it('uses only the allowed HTML subset, without attributes', () => {
    for (const lesson of LIBRARY_LESSONS) {
      expect(htmlProblems(lesson.content), lesson.key).toEqual([]);
    }
  });

  it('has 250 to 600 words of content, a plain-text transcript, a summary and no fake video link', () => {
    for (const lesson of LIBRARY_LESSONS) {
      const count = bodyWords(lesson.content);
      expect(count, `${lesson.key}: ${count} words`).toBeGreaterThanOrEqual(250);
      expect(count, `${lesson.key}: ${count} words`).toBeLessThanOrEqual(600);
      expect(lesson.name.trim(), lesson.key).not.toBe('');
      expect(lesson.summary.length, `${lesson.key}: summary`).toBeGreaterThan(20);
      expect(words(lesson.transcript), `${lesson.key}: transcript`).toBeGreaterThanOrEqual(120);
      expect(lesson.transcript, `${lesson.key}: transcript is plain text`).not.toMatch(/[<>]/);
      expect(lesson.videoUrl, `${lesson.key}: no invented video link`).toBe('');
    }
  });

  it('has pass marks 50-100, points 10-30 and minutes 4-10, all whole numbers', () => {
    for (const lesson of LIBRARY_LESSONS) {
      expect(Number.isInteger(lesson.passMark) && lesson.passMark >= 50 && lesson.passMark <= 100, `${lesson.key}: passMark ${lesson.passMark}`).toBe(true);
      expect(Number.isInteger(lesson.points) && lesson.points >= 10 && lesson.points <= 30, `${lesson.key}: points ${lesson.points}`).toBe(true);
      expect(Number.isInteger(lesson.minutes) && lesson.minutes >= 4 && lesson.minutes <= 10, `${lesson.key}: minutes ${lesson.minutes}`).toBe(true);
    }
  });

  it('gives every lesson a quiz of at least 4 questions, 3-4 distinct choices, a valid answer and a one-sentence explanation', () => {
    for (const lesson of LIBRARY_LESSONS) {
      expect(lesson.quiz.length, `${lesson.key}: questions`).toBeGreaterThanOrEqual(4);
      const questions = lesson.quiz.map((q) => q.question);
      expect(new Set(questions).size, `${lesson.key}: duplicate questions`).toBe(questions.length);
      lesson.quiz.forEach((q, i) => {
        const where = `${lesson.key} question ${i + 1}`;
        expect(q.question.trim(), where).not.toBe('');
        checkChoices(where, q.choices, q.answer);
        expect(q.explanation, `${where}: explanation is one sentence`).toMatch(/^[^.!?]+(\.[^\s.!?][^.!?]*)*[.!?]$/);
      });
    }
  });

  it('does not always put the right answer in the same place', () => {
    const positions = [0, 0, 0, 0];
    for (const lesson of LIBRARY_LESSONS) for (const q of lesson.quiz) positions[q.answer]++;
    const total = positions.reduce((a, b) => a + b, 0);
    for (const count of positions) expect(count / total).toBeGreaterThan(0.1);
  });

  it('has at least 4 well-formed hands-on exercises', () => {
    const withExercise = LIBRARY_LESSONS.filter((l) => l.exercise !== null);
    expect(withExercise.length).toBeGreaterThanOrEqual(4);
    for (const lesson of withExercise) {
      const exercise = lesson.exercise!;
      expect(exercise.instructions.trim(), lesson.key).not.toBe('');
      expect(exercise.material.trim(), lesson.key).not.toBe('');
      expect(exercise.question.trim(), lesson.key).not.toBe('');
      checkChoices(`${lesson.key} exercise`, exercise.choices, exercise.answer);
    }
  });
});

describe('training library: paths', () => {
  const lessonKeys = new Set(LIBRARY_LESSONS.map((l) => l.key));

  it('has at least 3 paths with unique keys and names, each with a role name and description', () => {
    expect(LIBRARY_PATHS.length).toBeGreaterThanOrEqual(3);
    const keys = LIBRARY_PATHS.map((p) => p.key);
    expect(new Set(keys).size).toBe(keys.length);
    expect(new Set(LIBRARY_PATHS.map((p) => p.name)).size).toBe(keys.length);
    for (const path of LIBRARY_PATHS) {
      expect(path.key).toMatch(KEY);
      expect(path.roleName.trim(), path.key).not.toBe('');
      expect(path.description.length, path.key).toBeGreaterThan(20);
    }
    const roles = LIBRARY_PATHS.map((p) => p.roleName);
    expect(roles).toContain('Security Apprentice');
    expect(roles).toContain('Security Developer');
  });

  it('refers only to existing lessons, each at most once per path, with at least one required lesson', () => {
    for (const path of LIBRARY_PATHS) {
      expect(path.lessons.length, path.key).toBeGreaterThan(0);
      for (const entry of path.lessons) expect(lessonKeys.has(entry.key), `${path.key} -> ${entry.key}`).toBe(true);
      const keys = path.lessons.map((l) => l.key);
      expect(new Set(keys).size, `${path.key}: duplicate lesson`).toBe(keys.length);
      expect(path.lessons.some((l) => l.required), `${path.key}: no required lesson`).toBe(true);
    }
  });

  it('mixes required and optional lessons and places every lesson in some path', () => {
    const entries = LIBRARY_PATHS.flatMap((p) => p.lessons);
    expect(entries.some((e) => e.required)).toBe(true);
    expect(entries.some((e) => !e.required)).toBe(true);
    const used = new Set(entries.map((e) => e.key));
    for (const key of lessonKeys) expect(used.has(key), `${key} is in no path`).toBe(true);
  });
});
