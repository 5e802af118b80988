/** Text made safe to place in HTML, text and attribute values alike. The one escaper for every page, mail and report. */
export function escapeHtml(s: string | number): string {
  const t = String(s);
  // Most values (names, addresses, paths) have nothing to escape: no new string for them.
  return NEEDS_ESCAPE.test(t) ? t.replace(TO_ESCAPE, (c) => ESCAPES[c]!) : t;
}

const NEEDS_ESCAPE = /[&<>"'`]/;
const TO_ESCAPE = /[&<>"'`]/g;
const ESCAPES: Readonly<Record<string, string>> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;', '`': '&#96;' };
