/**
 * Escaping, and the restricted HTML of lesson bodies. A lesson body may use only the tags of the
 * catalogue's subset, without attributes; every other `<` is text, so nothing a lesson author
 * (or a compromised admin account) writes can run script or restyle the portal. Tags are
 * balanced: a stray close is dropped and anything left open is closed at the end.
 */

import { escapeHtml } from '../core/html.ts';

export function esc(value: unknown): string {
  return escapeHtml(String(value ?? ''));
}

/** The subset a lesson body may use. */
export const LESSON_TAGS = new Set(['h2', 'h3', 'p', 'ul', 'ol', 'li', 'strong', 'em', 'code', 'pre', 'blockquote', 'br']);
const VOID = new Set(['br']);

/** A tag of the subset, possibly with attributes (which are dropped); anything else is text. */
const TAG = /^<(\/?)([a-zA-Z][a-zA-Z0-9]*)(\s[^<>]*)?\/?>/;
/** Character references pass through as they are: they cannot make markup. */
const ENTITY = /^&(#\d{1,7}|#[xX][0-9a-fA-F]{1,6}|[a-zA-Z][a-zA-Z0-9]{1,31});/;

export function renderLessonHtml(source: string): string {
  let out = '';
  const open: string[] = [];
  let i = 0;
  while (i < source.length) {
    const c = source[i];
    if (c === '<') {
      const m = TAG.exec(source.slice(i, i + 300));
      const name = m?.[2].toLowerCase();
      if (m && name && LESSON_TAGS.has(name)) {
        if (m[1]) {
          const at = open.lastIndexOf(name);
          if (at !== -1) while (open.length > at) out += `</${open.pop()}>`;
        } else if (VOID.has(name)) {
          out += `<${name}>`;
        } else {
          open.push(name);
          out += `<${name}>`;
        }
        i += m[0].length;
        continue;
      }
      out += '&lt;';
      i++;
      continue;
    }
    if (c === '&') {
      const m = ENTITY.exec(source.slice(i, i + 40));
      if (m) {
        out += m[0];
        i += m[0].length;
        continue;
      }
      out += '&amp;';
      i++;
      continue;
    }
    out += c === '>' ? '&gt;' : c === '"' ? '&quot;' : c === "'" ? '&#39;' : c;
    i++;
  }
  while (open.length) out += `</${open.pop()}>`;
  return out;
}

/** Plain text (a transcript, exercise material) as paragraphs: blank lines separate them, single newlines are kept. */
export function textParagraphs(text: string): string {
  return text
    .split(/\r?\n\s*\r?\n/)
    .map((p) => p.trim())
    .filter(Boolean)
    .map((p) => `<p>${esc(p).replace(/\r?\n/g, '<br>')}</p>`)
    .join('\n');
}

/** Only web addresses become links. */
export function safeHttpUrl(url: string): string | null {
  try {
    const u = new URL(url);
    return u.protocol === 'https:' || u.protocol === 'http:' ? u.href : null;
  } catch {
    return null;
  }
}

/** `2026-12-01T00:00:00.000Z` → `1 December 2026` (UTC). */
export function longDate(iso: string): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  return d.toLocaleDateString('en-GB', { day: 'numeric', month: 'long', year: 'numeric', timeZone: 'UTC' });
}
