/**
 * What a user agent string says about a tracking hit: the OS and browser (ua-parser-js), whether
 * they are out of date, and whether the string belongs to a known scanner, link previewer or
 * script. Everything here depends on the string alone, so results are cached by string (bounded,
 * oldest out first): the same few user agents repeat across a campaign's hits.
 */
import UAParser from 'ua-parser-js';
import { outOfSupportReason } from './browser-support.ts';

/**
 * Known automated user agents, first match wins (so specific names come before the generic
 * words at the end). Scanners that pose as browsers are caught by address ranges and timing
 * instead (see classify.ts).
 */
export const AUTOMATED_AGENTS: ReadonlyArray<readonly [label: string, pattern: RegExp]> = [
  ['Microsoft Defender for Office 365 Safe Links (BingPreview)', /BingPreview/i],
  ['Microsoft link preview (MicrosoftPreview)', /MicrosoftPreview/i],
  ['Microsoft Office link check (Existence Discovery)', /Microsoft Office Existence Discovery/i],
  ['Microsoft Teams/Skype link preview (SkypeUriPreview)', /SkypeUriPreview/i],
  ['Proofpoint', /Proofpoint/i],
  ['Mimecast', /Mimecast/i],
  ['Barracuda', /Barracuda/i],
  ['Cisco (IronPort)', /IronPort|\bCisco/i],
  ['Trend Micro', /Trend ?Micro/i],
  ['Symantec / Broadcom', /Symantec|Broadcom|MessageLabs/i],
  ['FireEye / Trellix', /FireEye|Trellix/i],
  ['Sophos', /Sophos/i],
  ['Forcepoint', /Forcepoint|Websense/i],
  ['Googlebot', /Googlebot/i],
  ['Google Safe Browsing (Google-Safety)', /Google-Safety/i],
  ['Google crawler', /Google-(?:InspectionTool|Read-Aloud|PageRenderer|Site-Verification)|APIs-Google|AdsBot-Google|Mediapartners-Google|Feedfetcher-Google/i],
  ['Gmail image proxy (GoogleImageProxy)', /GoogleImageProxy/i],
  ['Yahoo Mail image proxy (YahooMailProxy)', /YahooMailProxy/i],
  ['Slack link preview (Slackbot)', /Slackbot|Slack-ImgProxy/i],
  ['Facebook link preview (facebookexternalhit)', /facebookexternalhit|Facebot|meta-externalagent/i],
  ['Twitter/X link preview (Twitterbot)', /Twitterbot/i],
  ['LinkedIn link preview (LinkedInBot)', /LinkedInBot/i],
  ['WhatsApp link preview', /WhatsApp/i],
  ['Telegram link preview (TelegramBot)', /TelegramBot/i],
  ['Discord link preview (Discordbot)', /Discordbot/i],
  ['python-requests', /python-requests/i],
  ['Python script', /python-urllib|python-httpx|aiohttp|\bhttpx\//i],
  ['curl', /(?:^|[\s(])curl\//i],
  ['Wget', /\bWget\//i],
  ['Go-http-client', /Go-http-client/i],
  ['Java', /\bJava\/\d|Apache-HttpClient/i],
  ['okhttp', /\bokhttp\b/i],
  ['libwww-perl', /libwww-perl|\blwp-/i],
  ['Node.js script', /node-fetch|\baxios\/|\bundici\b/i],
  ['HeadlessChrome', /HeadlessChrome/i],
  ['PhantomJS', /PhantomJS/i],
  // Generic words; the reason names the word found. "bot" as a word ending, but not the phone brand Cubot.
  ['a bot', /[\w.-]*(?<!cu)bot\b[\w.-]*/i],
  ['a crawler', /[\w.-]*crawler[\w.-]*/i],
  ['a spider', /[\w.-]*spider[\w.-]*/i],
  ['a scanner', /[\w.-]*scanner[\w.-]*/i],
];
const GENERIC = new Set(['a bot', 'a crawler', 'a spider', 'a scanner']);

/** One pass over the whole list for the common case (no match). */
const ANY_AUTOMATED = new RegExp(AUTOMATED_AGENTS.map(([, re]) => `(?:${re.source})`).join('|'), 'i');

/** Image proxies fetch on the reader's behalf: the open is real-ish but not attributable. */
const IMAGE_PROXIES = new Set(['Gmail image proxy (GoogleImageProxy)', 'Yahoo Mail image proxy (YahooMailProxy)']);

/** Apple Mail Privacy Protection prefetches remote images with this bare user agent. */
const BARE_MOZILLA = /^Mozilla\/5\.0$/;

export interface AgentInfo {
  /** "Windows 10", "iOS 18.1"; '' when unknown. */
  os: string;
  /** "Chrome 131", "Mobile Safari 18"; '' when unknown. */
  browser: string;
  /** The browser or OS is out of date (never judged for known automated agents). */
  vulnerable: boolean;
  /** Why the browser or OS is out of date; '' when it is not. */
  vulnerableReason: string;
  /** Label of the matched automated agent; '' when none. */
  automatedBy: string;
  /** The agent is a mail provider's image proxy (Gmail, Yahoo). */
  imageProxy: boolean;
}

/** ua-parser-js 1.x itself looks at no more than 500 characters. */
export const MAX_AGENT_LENGTH = 512;
export const AGENT_CACHE_SIZE = 5000;

const cache = new Map<string, AgentInfo>();

function parse(ua: string): AgentInfo {
  const r = UAParser(ua);
  const browserName = r.browser.name ?? '';
  const osName = r.os.name ?? '';
  const os = osName ? `${osName}${r.os.version ? ` ${r.os.version}` : ''}` : '';
  const browser = browserName ? `${browserName}${r.browser.major ? ` ${r.browser.major}` : ''}` : '';
  const vulnerableReason = outOfSupportReason({
    browserName,
    browserMajor: r.browser.major,
    engineName: r.engine.name,
    engineVersion: r.engine.version,
    osName,
    osVersion: r.os.version,
  });
  let automatedBy = '';
  if (BARE_MOZILLA.test(ua)) automatedBy = 'a bare "Mozilla/5.0" (Apple Mail Privacy Protection prefetch or a script)';
  else if (ANY_AUTOMATED.test(ua)) {
    for (const [label, re] of AUTOMATED_AGENTS) {
      const m = re.exec(ua);
      if (m) {
        automatedBy = GENERIC.has(label) ? `${label} ("${m[0].slice(0, 60)}")` : label;
        break;
      }
    }
  }
  // A scanner's user agent often imitates some old browser: that says nothing about the person.
  const judged = automatedBy ? '' : vulnerableReason;
  return { os, browser, vulnerable: judged !== '', vulnerableReason: judged, automatedBy, imageProxy: IMAGE_PROXIES.has(automatedBy) };
}

/**
 * Describes a user agent string (already trimmed; '' is allowed). Cached: the returned object is
 * shared and must not be changed.
 */
export function describeAgent(userAgent: string): Readonly<AgentInfo> {
  const ua = userAgent.length > MAX_AGENT_LENGTH ? userAgent.slice(0, MAX_AGENT_LENGTH) : userAgent;
  const hit = cache.get(ua);
  if (hit) return hit;
  const info = parse(ua);
  // Oldest first out: a campaign's hits repeat a few hundred user agents, far fewer than the cache holds.
  if (cache.size >= AGENT_CACHE_SIZE) cache.delete(cache.keys().next().value as string);
  cache.set(ua, info);
  return info;
}

/** For tests and benchmarks. */
export function agentCacheSize(): number {
  return cache.size;
}
