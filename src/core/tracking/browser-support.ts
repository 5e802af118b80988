/**
 * Which browsers and operating systems still get security fixes: what makes a victim
 * `vulnerable` (Lucy's word: the victim's browser or operating system is out of date).
 *
 * THIS TABLE MUST BE REFRESHED WITH EVERY DECOY RELEASE: browser majors go out of support every
 * few weeks, and a stale table quietly under-reports. Last updated: 2026-11-23.
 *
 * Policy, so that the next update is mechanical:
 * - Evergreen browsers (Chromium family, Firefox) update themselves within days, so a major
 *   version released more than about a year before the date above means the browser has stopped
 *   updating. Chromium >= 140 (stable September 2025); Firefox >= 140 (the 140 ESR line, the
 *   oldest Firefox still patched in 2026).
 * - Chromium-based browsers with their own version numbers (Opera, Samsung Internet, Yandex,
 *   Vivaldi, Electron apps, Android WebView) are judged by their engine version, which
 *   ua-parser-js reports as the Chromium version. Likewise Gecko browsers by the Gecko version.
 * - Safari / iOS: Apple patches the current and the previous major; Safari >= 18, iOS >= 18.
 * - Internet Explorer (June 2022), EdgeHTML "Edge Legacy" (March 2021) and Presto Opera are
 *   always out of support.
 * - Operating systems: Windows before 10 (XP, Vista, 7, 8, 8.1, ...); macOS before 10.15;
 *   iOS before 18; Android before 13.
 * - Where a user agent cannot tell, we do not guess (no false alarms): browsers freeze the OS
 *   part of the user agent. Windows 11 says "Windows NT 10.0", so Windows 10 (out of consumer
 *   support since October 2025) cannot be told from 11 and is not flagged; every current Mac
 *   browser says 10.15.7 (or 10.15), so 10.15 is not flagged; Chrome on Android says
 *   "Android 10; K" whatever the real version, so a reported Android 10 is not flagged.
 */

/** The date this table was last checked against the vendors' release and support pages. */
export const SUPPORT_TABLE_UPDATED = '2026-11-23';

/** Oldest supported major version by browser name as ua-parser-js 1.x spells it. */
export const BROWSER_MINIMUM: Readonly<Record<string, number>> = {
  Chrome: 140,
  Chromium: 140,
  'Chrome WebView': 140,
  Edge: 140,
  Brave: 140,
  Firefox: 140,
  'Mobile Firefox': 140,
  Safari: 18,
  'Mobile Safari': 18,
};

/** Oldest supported engine major, for browsers not in BROWSER_MINIMUM that report one. */
export const ENGINE_MINIMUM: Readonly<Record<string, { min: number; label: string }>> = {
  Blink: { min: 140, label: 'Chromium' },
  Gecko: { min: 140, label: 'Gecko' },
};

/** Browsers (by name, then by engine) that are out of support whatever their version. */
export const UNSUPPORTED_BROWSERS: Readonly<Record<string, { name: string; since?: string }>> = {
  IE: { name: 'Internet Explorer', since: 'June 2022' },
  IEMobile: { name: 'Internet Explorer Mobile' },
};
export const UNSUPPORTED_ENGINES: Readonly<Record<string, { name: string; since?: string }>> = {
  Trident: { name: 'Internet Explorer', since: 'June 2022' },
  EdgeHTML: { name: 'Edge Legacy (EdgeHTML)', since: 'March 2021' },
  Presto: { name: 'Opera (Presto)' },
};

/** Windows versions (as ua-parser-js names them) that no longer get security updates. */
export const UNSUPPORTED_WINDOWS: ReadonlySet<string> = new Set([
  '3.1', '95', '98', 'ME', 'NT', 'NT 4.0', '2000', 'XP', 'Vista', '7', '8', '8.1', 'RT', 'RT 8.1', 'CE', 'Mobile',
]);
/** Operating systems that are out of support in every version. */
export const UNSUPPORTED_OS: ReadonlySet<string> = new Set([
  'Windows Phone', 'Windows Mobile', 'BlackBerry', 'RIM Tablet OS', 'Symbian', 'Firefox OS', 'Bada', 'webOS', 'Tizen',
]);

/** Oldest supported version by OS; `frozen` lists versions that user agents report whatever the real one is. */
export const OS_MINIMUM: Readonly<Record<string, { min: number[]; frozen?: readonly string[]; label?: string }>> = {
  'Mac OS': { min: [10, 15], label: 'macOS' },
  iOS: { min: [18] },
  Android: { min: [13], frozen: ['10'] },
};

export interface AgentVersions {
  browserName?: string;
  browserMajor?: string;
  engineName?: string;
  engineVersion?: string;
  osName?: string;
  osVersion?: string;
}

function numbers(version: string): number[] {
  return version.split(/[._]/).map((n) => Number.parseInt(n, 10)).filter((n) => Number.isFinite(n));
}

/** a < b, comparing dotted versions part by part (missing parts count as 0). */
function older(a: number[], b: number[]): boolean {
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    const x = a[i] ?? 0;
    const y = b[i] ?? 0;
    if (x !== y) return x < y;
  }
  return false;
}

/**
 * Why this browser/OS is out of date ('' when it is not, or when the user agent does not tell).
 * Several findings are joined with "; ".
 */
export function outOfSupportReason(v: AgentVersions): string {
  const found: string[] = [];
  const browser = v.browserName ?? '';
  const major = v.browserMajor ? Number.parseInt(v.browserMajor, 10) : NaN;
  const engine = v.engineName ?? '';
  const engineMajor = v.engineVersion ? Number.parseInt(v.engineVersion, 10) : NaN;

  const dead = UNSUPPORTED_BROWSERS[browser] ?? UNSUPPORTED_ENGINES[engine];
  if (dead) found.push(`${dead.name}${v.browserMajor ? ` ${v.browserMajor}` : ''} is out of support${dead.since ? ` (since ${dead.since})` : ''}`);
  else if (BROWSER_MINIMUM[browser] !== undefined) {
    const min = BROWSER_MINIMUM[browser];
    if (Number.isFinite(major) && major < min) found.push(`${browser} ${major} is older than the oldest supported ${min}`);
  } else if (ENGINE_MINIMUM[engine] && Number.isFinite(engineMajor)) {
    const { min, label } = ENGINE_MINIMUM[engine];
    if (engineMajor < min) {
      const name = browser ? `${browser}${v.browserMajor ? ` ${v.browserMajor}` : ''} (${label} ${engineMajor})` : `${label} ${engineMajor}`;
      found.push(`${name} is older than the oldest supported ${label} ${min}`);
    }
  }

  const os = v.osName ?? '';
  const osVersion = v.osVersion ?? '';
  if (os === 'Windows') {
    if (UNSUPPORTED_WINDOWS.has(osVersion)) found.push(`Windows ${osVersion} is out of support`);
  } else if (UNSUPPORTED_OS.has(os)) {
    found.push(`${os}${osVersion ? ` ${osVersion}` : ''} is out of support`);
  } else if (OS_MINIMUM[os] && osVersion) {
    const rule = OS_MINIMUM[os];
    const parts = numbers(osVersion);
    if (parts.length && !rule.frozen?.includes(osVersion) && older(parts, rule.min)) {
      const label = rule.label ?? os;
      found.push(`${label} ${osVersion} is older than the oldest supported ${rule.min.join('.')}`);
    }
  }
  return found.join('; ');
}
