/**
 * Form posts to a landing page, parsed without a framework plugin: URL-encoded (what an HTML
 * form sends), multipart/form-data (text fields only; files are ignored), and, leniently, a
 * JSON object's top-level values. Anything unparseable is a post with no fields: the post is
 * still recorded, it just carries nothing.
 */
import type { FormFields } from '../core/tracking/submission.ts';

/** Largest form body accepted (fields of a login form are a few hundred bytes). */
export const FORM_BODY_LIMIT = 64 * 1024;
const MAX_PARTS = 200;

export function parseForm(contentType: string | undefined, body: Buffer | undefined): FormFields {
  if (!body?.length) return [];
  const type = (contentType ?? '').split(';')[0].trim().toLowerCase();
  try {
    if (type === 'application/x-www-form-urlencoded') return [...new URLSearchParams(body.toString('utf8'))].slice(0, MAX_PARTS);
    if (type === 'multipart/form-data') return multipart(contentType ?? '', body);
    if (type === 'application/json' || type.endsWith('+json')) return jsonFields(body);
  } catch {
    return [];
  }
  return [];
}

function jsonFields(body: Buffer): FormFields {
  const value: unknown = JSON.parse(body.toString('utf8'));
  if (!value || typeof value !== 'object' || Array.isArray(value)) return [];
  const out: [string, string][] = [];
  for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
    if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') out.push([k, String(v)]);
    if (out.length >= MAX_PARTS) break;
  }
  return out;
}

function multipart(contentType: string, body: Buffer): FormFields {
  const m = /boundary=(?:"([^"]{1,70})"|([^;\s]{1,70}))/i.exec(contentType);
  if (!m) return [];
  const delimiter = Buffer.from(`--${m[1] ?? m[2]}`);
  const out: [string, string][] = [];
  let at = body.indexOf(delimiter);
  while (at !== -1 && out.length < MAX_PARTS) {
    const start = at + delimiter.length;
    if (body[start] === 0x2d && body[start + 1] === 0x2d) break; // closing delimiter "--"
    const next = body.indexOf(delimiter, start);
    if (next === -1) break;
    // part = CRLF headers CRLF CRLF content CRLF
    const part = body.subarray(start, next);
    const split = part.indexOf('\r\n\r\n');
    if (split !== -1) {
      const headers = part.subarray(0, split).toString('utf8');
      let content = part.subarray(split + 4);
      if (content.length >= 2 && content[content.length - 2] === 0x0d && content[content.length - 1] === 0x0a) content = content.subarray(0, content.length - 2);
      const disposition = /content-disposition:[^\r\n]*/i.exec(headers)?.[0] ?? '';
      const name = /\bname="([^"]*)"/i.exec(disposition)?.[1];
      if (name !== undefined && !/\bfilename\*?=/i.test(disposition)) out.push([name, content.toString('utf8')]);
    }
    at = next;
  }
  return out;
}
