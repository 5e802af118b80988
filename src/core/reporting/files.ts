/**
 * Writing generated files: CSV and XML written as a stream of row pages (never the whole data
 * set in memory), to a temporary name renamed into place when complete.
 */
import { stringify } from 'csv-stringify';
import { createWriteStream } from 'node:fs';
import { mkdir, rename, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { PRIVATE_DIR, PRIVATE_FILE } from '../../private-files.ts';

export type Cell = string | number | boolean | null | undefined;
export type Row = Record<string, Cell>;

/**
 * Spreadsheet programs run a cell that starts with `=`, `+`, `-` or `@` (and, in some, a tab or
 * carriage return) as a formula: a name like `=HYPERLINK("http://x")` typed into a recipient
 * list would become a live link, or worse, in the security team's spreadsheet. Such cells are
 * prefixed with a single quote, which shows the text as typed.
 */
export function neutraliseCell(value: string): string {
  return /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
}

function csvCell(v: Cell): string {
  if (v === null || v === undefined) return '';
  if (typeof v === 'boolean') return v ? 'yes' : 'no';
  if (typeof v === 'number') return String(v);
  return neutraliseCell(v);
}

// XML 1.0 allows neither most control characters nor lone surrogates; user data may hold them.
// eslint-disable-next-line no-control-regex
const XML_INVALID = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

export function xmlText(v: Cell): string {
  if (v === null || v === undefined) return '';
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  return String(v).replace(XML_INVALID, '\uFFFD');
}

export interface FileResult {
  rows: number;
  size: number;
}

/** What an export writes: a header (column names) and pages of rows. */
export interface TableSource {
  columns: readonly string[];
  pages: AsyncIterable<Row[]>;
}

/** Called after every page, so a long generation can show it is alive. */
export type Progress = (rows: number) => Promise<void> | void;

async function* csvChunks(src: TableSource, progress?: Progress): AsyncGenerator<string[]> {
  let n = 0;
  for await (const page of src.pages) {
    for (const row of page) yield src.columns.map((c) => csvCell(row[c]));
    n += page.length;
    await progress?.(n);
  }
}

const XML_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' };
const xmlEscape = (s: string) => s.replace(/[&<>"]/g, (c) => XML_ESCAPES[c]);

/**
 * XML is written by hand, row by row: xmlbuilder2's streaming writer managed about 2,000 rows a
 * second (300,000 victims took five minutes), this about as fast as the CSV. Element names are
 * our own column names; every value is escaped and stripped of characters XML cannot hold.
 */
async function* xmlChunks(src: TableSource, meta: Record<string, string>, progress?: Progress): AsyncGenerator<string> {
  const attrs = Object.entries(meta)
    .map(([k, v]) => ` ${k}="${xmlEscape(xmlText(v))}"`)
    .join('');
  yield `<?xml version="1.0" encoding="UTF-8"?>\n<export${attrs}>\n  <rows>\n`;
  let n = 0;
  for await (const page of src.pages) {
    const out: string[] = [];
    for (const row of page) {
      out.push('    <row>\n');
      for (const c of src.columns) {
        const v = xmlEscape(xmlText(row[c]));
        out.push(v ? `      <${c}>${v}</${c}>\n` : `      <${c}/>\n`);
      }
      out.push('    </row>\n');
    }
    n += page.length;
    await progress?.(n);
    yield out.join('');
  }
  yield '  </rows>\n</export>\n';
}

/** Writes `src` as CSV or XML to `file` (directories created); the file appears only when complete. */
export async function writeTable(
  file: string,
  extension: 'csv' | 'xml',
  src: TableSource,
  meta: Record<string, string>,
  progress?: Progress,
): Promise<FileResult> {
  await mkdir(path.dirname(file), { recursive: true, mode: PRIVATE_DIR });
  const part = `${file}.part`;
  let rows = 0;
  const counted = (p?: Progress): Progress => async (n) => {
    rows = n;
    await p?.(n);
  };
  try {
    if (extension === 'csv') {
      // The BOM lets spreadsheet programs read the file as UTF-8 (names with accents).
      const csv = stringify({ header: true, columns: [...src.columns], bom: true, record_delimiter: 'windows' });
      await pipeline(Readable.from(csvChunks(src, counted(progress))), csv, createWriteStream(part, { mode: PRIVATE_FILE }));
    } else {
      await pipeline(Readable.from(xmlChunks(src, meta, counted(progress))), createWriteStream(part, { mode: PRIVATE_FILE }));
    }
    await rename(part, file);
  } catch (err) {
    await rm(part, { force: true });
    throw err;
  }
  return { rows, size: (await stat(file)).size };
}

/** Writes a whole (small, bounded) file atomically. */
export async function writeWhole(file: string, write: (part: string) => Promise<void>): Promise<number> {
  await mkdir(path.dirname(file), { recursive: true, mode: PRIVATE_DIR });
  const part = `${file}.part`;
  try {
    await write(part);
    await rename(part, file);
  } catch (err) {
    await rm(part, { force: true });
    throw err;
  }
  return (await stat(file)).size;
}

/**
 * A name safe in `Content-Disposition: attachment; filename="..."` (ASCII, no quotes or
 * separators), and its full UTF-8 form for `filename*`.
 */
export function contentDisposition(name: string, extension: string): string {
  const base = name.trim() || 'export';
  const ascii = base.normalize('NFKD').replace(/[^A-Za-z0-9._ -]+/g, '_').replace(/\s+/g, ' ').slice(0, 120).trim() || 'export';
  const full = `${base.slice(0, 200)}.${extension}`;
  // RFC 5987: besides what encodeURIComponent escapes, ' ( ) * are not allowed either.
  const encoded = encodeURIComponent(full).replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
  return `attachment; filename="${ascii}.${extension}"; filename*=UTF-8''${encoded}`;
}
