import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * Personal learner-portal links: `<mac>.<learner id>.<link version>.<expiry>` (base 36 numbers,
 * expiry in Unix seconds), signed with an HMAC under DECOY_SECRET. Nothing is stored: a link
 * expires by itself, and bumping the learner's `link_version` revokes every link issued so far.
 */
export interface PortalClaim {
  learnerId: number;
  version: number;
  /** Unix seconds. */
  expires: number;
}

export class PortalLinks {
  private readonly key: Buffer;

  constructor(secret: string) {
    this.key = createHmac('sha256', 'decoy-learner-portal').update(secret).digest();
  }

  private mac(body: string): string {
    return createHmac('sha256', this.key).update(body).digest().subarray(0, 16).toString('base64url');
  }

  token(claim: PortalClaim): string {
    const body = [claim.learnerId, claim.version, claim.expires].map((n) => n.toString(36)).join('.');
    return `${this.mac(body)}.${body}`;
  }

  /**
   * The claim a token carries when its signature holds and it has not expired; null otherwise.
   * The caller still compares `version` with the learner's current `link_version`.
   */
  verify(token: string, nowSeconds = Math.floor(Date.now() / 1000)): PortalClaim | null {
    if (typeof token !== 'string' || token.length > 80) return null;
    const parts = token.split('.');
    if (parts.length !== 4 || parts.slice(1).some((p) => !/^[0-9a-z]{1,11}$/.test(p))) return null;
    const body = parts.slice(1).join('.');
    const expected = Buffer.from(this.mac(body));
    const given = Buffer.from(parts[0]);
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) return null;
    const [learnerId, version, expires] = parts.slice(1).map((p) => parseInt(p, 36));
    if (!(learnerId > 0) || expires < nowSeconds) return null;
    return { learnerId, version, expires };
  }
}
