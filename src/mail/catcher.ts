/**
 * The built-in catcher: with no DECOY_SMTP_URL, every message is kept in `outbox_messages`
 * (rendered HTML and text for the preview, and the raw message) and shown by GET /api/outbox.
 * A batch is one multi-row INSERT, so "sending" a campaign to the catcher costs about what
 * writing its rows does.
 */
import type { Insertable, Kysely } from 'kysely';
import { now } from '../db/index.ts';
import type { DB, OutboxMessageTable } from '../db/schema.ts';
import type { Mailer, MessageMeta, OutgoingMessage, SendInfo, SendOutcome } from './transport.ts';

/** Rows per INSERT: 13 values each stays far below SQLite's 32,766 and PostgreSQL's 65,535 parameters. */
const CHUNK = 1000;
const RESPONSE = '250 kept by the built-in catcher (DECOY_SMTP_URL is not set)';

export type OutboxInsert = Insertable<OutboxMessageTable>;

export function outboxRow(meta: MessageMeta, fields: Omit<OutboxInsert, 'client_id' | 'campaign_id' | 'victim_id' | 'message_type' | 'created_at'>, createdAt = now()): OutboxInsert {
  return {
    client_id: meta.clientId,
    campaign_id: meta.campaignId,
    victim_id: meta.victimId,
    message_type: meta.messageType,
    created_at: createdAt,
    ...fields,
  };
}

function rowOf(m: OutgoingMessage, createdAt: string): OutboxInsert {
  return outboxRow(
    m.meta,
    {
      channel: 'email',
      sender: m.from,
      recipient: m.to.join(', '),
      subject: m.subject ?? '',
      message_id: m.messageId,
      html: m.html ?? '',
      text: m.text ?? '',
      raw: typeof m.raw === 'string' ? m.raw : m.raw.toString('utf8'),
    },
    createdAt,
  );
}

/** Inserts rows in as few statements as the parameter limits allow; returns the new ids in order. */
export async function insertOutboxRows(db: Kysely<DB>, rows: OutboxInsert[]): Promise<number[]> {
  const ids: number[] = [];
  for (let i = 0; i < rows.length; i += CHUNK) {
    const inserted = await db.insertInto('outbox_messages').values(rows.slice(i, i + CHUNK)).returning('id').execute();
    // Both databases return the ids of a multi-row VALUES insert in row order; sorting makes it explicit.
    ids.push(...inserted.map((r) => r.id).sort((a, b) => a - b));
  }
  return ids;
}

export function createCatcher(db: Kysely<DB>): Mailer {
  const info = (m: OutgoingMessage): SendInfo => ({ accepted: [...m.to], rejected: [], response: RESPONSE });
  return {
    kind: 'catcher',
    async send(m) {
      await insertOutboxRows(db, [rowOf(m, now())]);
      return info(m);
    },
    async sendMany(messages): Promise<SendOutcome[]> {
      if (!messages.length) return [];
      const t = now();
      try {
        await insertOutboxRows(db, messages.map((m) => rowOf(m, t)));
        return messages.map((m) => ({ ok: true, ...info(m) }));
      } catch {
        // One bad row (say, its victim was deleted meanwhile) must not fail the others: one by one.
        const out: SendOutcome[] = [];
        for (const m of messages) {
          try {
            await insertOutboxRows(db, [rowOf(m, t)]);
            out.push({ ok: true, ...info(m) });
          } catch (err) {
            out.push({ ok: false, kind: 'temporary', text: `built-in catcher: could not store the message (${(err as Error).message ?? 'database error'})`.slice(0, 500) });
          }
        }
        return out;
      }
    },
    async verify() {},
    async close() {},
  };
}
