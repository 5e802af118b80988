import { sql, type Kysely } from 'kysely';
import type { DB } from '../../db/schema.ts';
import { AppError } from '../../errors.ts';

/**
 * Calls per credential over a sliding hour, counted in per-minute buckets in the database so
 * that every process sharing it enforces one limit.
 */
export class RateLimiter {
  constructor(
    private readonly db: Kysely<DB>,
    readonly limitPerHour: number,
  ) {}

  /** Counts this call; throws 429 when the credential is over its hourly limit. Returns the count. */
  async hit(credential: string): Promise<{ calls: number; limit: number }> {
    const minute = Math.floor(Date.now() / 60000);
    await this.db
      .insertInto('api_call_counts')
      .values({ credential, minute, calls: 1 })
      .onConflict((oc) => oc.columns(['credential', 'minute']).doUpdateSet({ calls: sql`api_call_counts.calls + 1` }))
      .execute();
    const row = await this.db
      .selectFrom('api_call_counts')
      .select((eb) => eb.fn.sum<number>('calls').as('calls'))
      .where('credential', '=', credential)
      .where('minute', '>', minute - 60)
      .executeTakeFirst();
    const calls = Number(row?.calls ?? 0);
    if (Math.random() < 0.01) {
      await this.db.deleteFrom('api_call_counts').where('minute', '<', minute - 120).execute();
    }
    if (calls > this.limitPerHour) {
      throw new AppError('rate_limited', `rate limit exceeded: at most ${this.limitPerHour} calls per hour for this credential`, {
        calls,
        limit: this.limitPerHour,
      });
    }
    return { calls, limit: this.limitPerHour };
  }

  async callsInLastHour(credential: string): Promise<number> {
    const minute = Math.floor(Date.now() / 60000);
    const row = await this.db
      .selectFrom('api_call_counts')
      .select((eb) => eb.fn.sum<number>('calls').as('calls'))
      .where('credential', '=', credential)
      .where('minute', '>', minute - 60)
      .executeTakeFirst();
    return Number(row?.calls ?? 0);
  }
}
