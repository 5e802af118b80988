import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * Victim tracking tokens are derived, not stored: `<128-bit HMAC of the victim id><id in base 36>`.
 * Nothing secret sits in the database, the same token can be rebuilt for a re-send, and a
 * lookup needs no index. Without DECOY_SECRET nobody can forge one; changing the secret
 * invalidates every link already sent.
 */
const MAC_CHARS = 22; // 22 base64url characters = 132 bits, of which we keep 128.

export class VictimTokens {
  private readonly key: Buffer;

  constructor(secret: string) {
    this.key = createHmac('sha256', 'decoy-victim-token').update(secret).digest();
  }

  private mac(kind: string, id: number): string {
    return createHmac('sha256', this.key).update(`${kind}:${id}`).digest().subarray(0, 16).toString('base64url');
  }

  /** The token for a victim (kind separates e.g. attack links from awareness links). */
  token(id: number, kind = 'v'): string {
    return this.mac(kind, id) + id.toString(36);
  }

  /** The victim id a token names, or null when it is malformed or forged. */
  verify(token: string, kind = 'v'): number | null {
    if (typeof token !== 'string' || token.length <= MAC_CHARS || token.length > MAC_CHARS + 11) return null;
    const idPart = token.slice(MAC_CHARS);
    if (!/^[0-9a-z]+$/.test(idPart)) return null;
    const id = parseInt(idPart, 36);
    if (!Number.isSafeInteger(id) || id <= 0 || id.toString(36) !== idPart) return null;
    const expected = Buffer.from(this.mac(kind, id));
    const given = Buffer.from(token.slice(0, MAC_CHARS));
    return given.length === expected.length && timingSafeEqual(given, expected) ? id : null;
  }
}
