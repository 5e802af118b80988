/**
 * A dry run of a recipient import: every row checked exactly as
 * `PUT /api/recipient-groups/:id/recipients` would check it, but all the bad rows are listed
 * (the import itself stops at the first one and imports nothing). The web app's CSV import
 * shows this list before anything is written, then imports the good rows in one request.
 */
import { AppError, invalid, notFound } from '../../errors.ts';
import { assertCanWrite, readScope, type Principal } from '../access/principal.ts';
import type { ServiceDeps } from '../index.ts';
import { checkNewRecipient, MAX_BULK_RECIPIENTS, normaliseEmail } from './recipient-input.ts';

export interface RowProblem {
  /** Index of the row in the request (0-based). */
  row: number;
  /** The field at fault, when one is: `email`, `name`, `language_id`, ... */
  field: string | null;
  message: string;
}

export interface ImportCheck {
  rows: number;
  valid: number;
  invalid: number;
  /** Rows in order, at most one problem per row (the first found). */
  problems: RowProblem[];
}

/** Where a single-row check names the field: `recipients[3].email: ...` or `email: ...`. */
function split(message: string): { field: string | null; message: string } {
  const rest = message.replace(/^recipients\[\d+\]\.?/, '');
  const m = /^([a-z_]+(?:\[\d+\])?)?:\s*(.*)$/s.exec(rest);
  if (!m) return { field: null, message: rest };
  return { field: m[1] ?? null, message: m[2] };
}

const CHUNK = 500;

export class RecipientImportCheckService {
  constructor(private readonly deps: Pick<ServiceDeps, 'db'>) {}

  async check(p: Principal, groupId: number, body: unknown): Promise<ImportCheck> {
    assertCanWrite(p);
    const group = await this.deps.db.selectFrom('recipient_groups').select(['id', 'client_id']).where('id', '=', groupId).executeTakeFirst();
    const scope = readScope(p);
    if (!group || (scope !== null && group.client_id !== scope)) throw notFound('recipient group');
    if (!Array.isArray(body)) throw invalid('recipients: must be an array of recipients');
    if (body.length > MAX_BULK_RECIPIENTS) throw invalid(`recipients: at most ${MAX_BULK_RECIPIENTS} per request`);

    const problems = new Map<number, RowProblem>();
    const emails: { row: number; email: string }[] = [];
    const languages: { row: number; id: number }[] = [];
    const firstRowOf = new Map<string, number>();
    body.forEach((item, row) => {
      try {
        const input = checkNewRecipient(item, `recipients[${row}]`);
        const email = normaliseEmail(input.email, `recipients[${row}]`);
        const earlier = firstRowOf.get(email);
        if (earlier !== undefined) {
          problems.set(row, { row, field: 'email', message: `"${email}" appears more than once in this import (first in row ${earlier})` });
          return;
        }
        firstRowOf.set(email, row);
        emails.push({ row, email });
        if (typeof input.language_id === 'number') languages.push({ row, id: input.language_id });
      } catch (err) {
        if (!(err instanceof AppError)) throw err;
        problems.set(row, { row, ...split(err.message) });
      }
    });

    if (languages.length) {
      const ids = [...new Set(languages.map((l) => l.id))];
      const found = new Set((await this.deps.db.selectFrom('languages').select('id').where('id', 'in', ids).execute()).map((l) => l.id));
      for (const l of languages) {
        if (!found.has(l.id) && !problems.has(l.row)) {
          problems.set(l.row, { row: l.row, field: 'language_id', message: `no language with id ${l.id} (see GET /api/languages)` });
        }
      }
    }
    for (let start = 0; start < emails.length; start += CHUNK) {
      const chunk = emails.slice(start, start + CHUNK);
      const taken = await this.deps.db
        .selectFrom('recipients')
        .select('email')
        .where('recipient_group_id', '=', group.id)
        .where(
          'email',
          'in',
          chunk.map((e) => e.email),
        )
        .execute();
      for (const t of taken) {
        const row = firstRowOf.get(t.email)!;
        if (!problems.has(row)) problems.set(row, { row, field: 'email', message: `"${t.email}" is already in this recipient group` });
      }
    }
    const list = [...problems.values()].sort((a, b) => a.row - b.row);
    return { rows: body.length, valid: body.length - list.length, invalid: list.length, problems: list };
  }
}
