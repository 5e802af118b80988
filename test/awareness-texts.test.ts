/** The awareness page's own texts: every installed language has all of them, with its numbers; others fall back to English. */
import { expect, it } from 'vitest';
import { AWARENESS_TEXT_LANGUAGES, awarenessTexts } from '../src/core/templates/awareness-texts.ts';
import { LANGUAGES } from '../src/core/seed.ts';

it('every language Decoy installs has every text, and each result names its numbers', () => {
  expect(AWARENESS_TEXT_LANGUAGES.sort()).toEqual(LANGUAGES.map((l) => l.code).sort());
  for (const code of AWARENESS_TEXT_LANGUAGES) {
    const x = awarenessTexts(code);
    for (const s of [x.submit, x.question, x.done, x.thanks, x.completed(null)]) expect(s.trim().length, code).toBeGreaterThan(0);
    expect(x.passed(3, 4, 75), code).toMatch(/3\D.*4\D.*75/);
    expect(x.failed(1, 4, 25, 70), code).toMatch(/1\D.*4\D.*25[\s\S]*70/);
    expect(x.completed(88), code).toContain('88');
    // Each language its own words (a copy of the English would pass the checks above).
    if (code !== 'en') expect(x.thanks, code).not.toBe(awarenessTexts('en').thanks);
  }
});

it('a regional or unknown language code', () => {
  expect(awarenessTexts('de-CH').done).toBe(awarenessTexts('de').done);
  expect(awarenessTexts('PT_br').submit).toBe(awarenessTexts('pt').submit);
  expect(awarenessTexts('sv').thanks).toBe(awarenessTexts('en').thanks);
  expect(awarenessTexts(null).done).toBe('I have read this');
});
