/**
 * Address ranges of mail scanners, compiled for the tracking hot path: one BlockList answers
 * "is this address in any range" natively; only on a hit do we look for which range it was, to
 * name it in the event's reasons.
 */
import { BlockList, isIP } from 'node:net';
import { invalid } from '../../errors.ts';

export interface ScannerRange {
  cidr: string;
  label: string;
}

export interface ScannerRangeMatcher {
  readonly size: number;
  /** The first range containing the address, or null. */
  match(ip: string): ScannerRange | null;
}

/** Narrower than these is a typo, not a scanner: a /4 would mark a sixteenth of the Internet automated. */
export const MIN_PREFIX = { ipv4: 8, ipv6: 16 } as const;

export interface ParsedCidr {
  address: string;
  prefix: number;
  family: 'ipv4' | 'ipv6';
  /** The stored form: `address/prefix`, IPv6 in lower case; a bare address gets /32 or /128. */
  cidr: string;
}

/** Validates an IPv4 or IPv6 CIDR (or a single address); 400 "cidr: ..." naming the value otherwise. */
export function parseCidr(input: string): ParsedCidr {
  const text = input.trim();
  const shown = JSON.stringify(input.length > 80 ? `${input.slice(0, 80)}...` : input);
  const slash = text.indexOf('/');
  const address = (slash === -1 ? text : text.slice(0, slash)).toLowerCase();
  const bits = slash === -1 ? null : text.slice(slash + 1);
  const version = address.includes('%') ? 0 : isIP(address);
  if (version === 0) throw invalid(`cidr: ${shown} is not an IPv4 or IPv6 range (write it as 192.0.2.0/24 or 2001:db8::/32)`);
  const family = version === 4 ? 'ipv4' : 'ipv6';
  const max = version === 4 ? 32 : 128;
  if (bits !== null && !/^\d{1,3}$/.test(bits)) throw invalid(`cidr: ${shown} has no valid prefix length after "/" (0-${max})`);
  const prefix = bits === null ? max : Number(bits);
  if (prefix > max) throw invalid(`cidr: ${shown} has a prefix length above ${max}`);
  if (prefix < MIN_PREFIX[family]) {
    throw invalid(`cidr: ${shown} is too wide: the prefix length must be at least ${MIN_PREFIX[family]} for ${family === 'ipv4' ? 'IPv4' : 'IPv6'}`);
  }
  return { address, prefix, family, cidr: `${address}/${prefix}` };
}

/** Strips the IPv4-mapped IPv6 form that dual-stack sockets report (`::ffff:192.0.2.1`). */
export function plainAddress(ip: string): { address: string; family: 'ipv4' | 'ipv6' } | null {
  const address = ip.length > 7 && ip.startsWith('::ffff:') && ip.includes('.') ? ip.slice(7) : ip;
  const v = isIP(address);
  if (v === 0) return null;
  return { address, family: v === 4 ? 'ipv4' : 'ipv6' };
}

const EMPTY: ScannerRangeMatcher = { size: 0, match: () => null };

/**
 * Compiles ranges (already validated when stored) into a matcher. A range that no longer parses
 * is skipped rather than breaking every hit.
 */
export function compileScannerRanges(ranges: readonly ScannerRange[]): ScannerRangeMatcher {
  const all = new BlockList();
  const each: { range: ScannerRange; list: BlockList }[] = [];
  for (const range of ranges) {
    let parsed: ParsedCidr;
    try {
      parsed = parseCidr(range.cidr);
    } catch {
      continue;
    }
    all.addSubnet(parsed.address, parsed.prefix, parsed.family);
    const list = new BlockList();
    list.addSubnet(parsed.address, parsed.prefix, parsed.family);
    each.push({ range: { cidr: range.cidr, label: range.label }, list });
  }
  if (!each.length) return EMPTY;
  return {
    size: each.length,
    match(ip: string) {
      const a = plainAddress(ip);
      if (!a || !all.check(a.address, a.family)) return null;
      for (const e of each) if (e.list.check(a.address, a.family)) return e.range;
      return null;
    },
  };
}
