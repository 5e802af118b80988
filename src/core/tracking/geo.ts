/**
 * Country of an address from the offline GeoLite2 country database that the geoip-country npm
 * package ships (no network, no account). The database (about 7 MB) is read into memory on first
 * use, once per process; `loadGeo()` does it ahead of the first hit.
 */
import { createRequire } from 'node:module';
import { plainAddress } from './scanner-match.ts';

interface GeoIpCountry {
  lookup(ip: string): { country?: string } | null;
}

let geo: GeoIpCountry | null = null;

export function loadGeo(): void {
  // The package is CommonJS without type declarations; it loads its data when required.
  geo ??= createRequire(import.meta.url)('geoip-country') as GeoIpCountry;
}

/** ISO 3166-1 alpha-2 code ('US'); '' for private, loopback, reserved and unknown addresses. */
export function countryOf(ip: string): string {
  let c = recent.get(ip);
  if (c !== undefined) return c;
  const a = plainAddress(ip);
  if (!a) return '';
  loadGeo();
  c = geo!.lookup(a.address)?.country ?? '';
  if (recent.size >= RECENT) recent.clear();
  recent.set(ip, c);
  return c;
}

/** Addresses looked up lately (a person's hits come from the same few addresses). */
const recent = new Map<string, string>();
const RECENT = 10_000;
