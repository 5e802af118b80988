/** Text made safe to place in HTML, text and attribute values alike. The one escaper for every page, mail and report. */
export function escapeHtml(s: string | number): string {
  return String(s).replace(/[&<>"'`]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;', '`': '&#96;' })[c]!);
}
