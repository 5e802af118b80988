import type { Kysely } from 'kysely';
import { AppError } from '../../errors.ts';
import type { DB } from '../../db/schema.ts';
import { now } from '../../db/index.ts';

/**
 * Failed sign-ins, counted per account and per IP address in the database (so that every
 * process sharing it sees the same counts). After SLOW_AFTER failures each further answer is
 * delayed; after LOCK_AFTER the key is refused for LOCK_MINUTES. Counts reset after WINDOW_MINUTES
 * without failures, and on a successful sign-in for the account.
 */
export const LOGIN_POLICY = {
  account: { slowAfter: 3, lockAfter: 8, lockMinutes: 15 },
  ip: { slowAfter: 10, lockAfter: 30, lockMinutes: 15 },
  windowMinutes: 15,
  maxDelayMs: 2000,
};

export type LoginPolicy = typeof LOGIN_POLICY;

export class LoginThrottle {
  constructor(
    private readonly db: Kysely<DB>,
    public policy: LoginPolicy = LOGIN_POLICY,
  ) {}

  /** Throws 429 when the account or the address is locked. */
  async assertAllowed(email: string, ip: string): Promise<void> {
    const keys = [`account:${email}`, `ip:${ip}`];
    const rows = await this.db.selectFrom('auth_failures').selectAll().where('key', 'in', keys).execute();
    const t = now();
    for (const row of rows) {
      if (row.locked_until && row.locked_until > t) {
        const minutes = Math.max(1, Math.ceil((Date.parse(row.locked_until) - Date.now()) / 60000));
        const what = row.key.startsWith('account:') ? 'this account' : 'your address';
        throw new AppError('rate_limited', `too many failed sign-in attempts for ${what}; try again in ${minutes} minute${minutes === 1 ? '' : 's'}`, {
          retryAfterSeconds: minutes * 60,
        });
      }
    }
  }

  /** Records a failure and returns how long to delay the answer. */
  async recordFailure(email: string, ip: string): Promise<number> {
    let delay = 0;
    for (const [key, policy] of [[`account:${email}`, this.policy.account], [`ip:${ip}`, this.policy.ip]] as const) {
      const t = now();
      const existing = await this.db.selectFrom('auth_failures').selectAll().where('key', '=', key).executeTakeFirst();
      const windowStart = new Date(Date.now() - this.policy.windowMinutes * 60000).toISOString();
      const fresh = !existing || existing.first_failure_at < windowStart || (existing.locked_until !== null && existing.locked_until <= t);
      const failures = fresh ? 1 : existing.failures + 1;
      const lockedUntil = failures >= policy.lockAfter ? new Date(Date.now() + policy.lockMinutes * 60000).toISOString() : null;
      await this.db
        .insertInto('auth_failures')
        .values({ key, failures, first_failure_at: fresh ? t : existing.first_failure_at, locked_until: lockedUntil })
        .onConflict((oc) => oc.column('key').doUpdateSet({ failures, first_failure_at: fresh ? t : existing!.first_failure_at, locked_until: lockedUntil }))
        .execute();
      if (failures > policy.slowAfter) delay = Math.max(delay, Math.min(this.policy.maxDelayMs, 250 * 2 ** (failures - policy.slowAfter - 1)));
    }
    return delay;
  }

  async recordSuccess(email: string): Promise<void> {
    await this.db.deleteFrom('auth_failures').where('key', '=', `account:${email}`).execute();
  }
}
