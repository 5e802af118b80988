import { describe, expect, it } from 'vitest';
import { classifyHit, compileScannerRanges, countryOf, parseCidr, type HitInput, type TrackingEventType } from '../src/core/tracking/classify.ts';
import { SUPPORT_TABLE_UPDATED } from '../src/core/tracking/browser-support.ts';
import { AGENT_CACHE_SIZE, agentCacheSize, describeAgent } from '../src/core/tracking/useragent.ts';

const UA = {
  chromeWin: 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/142.0.0.0 Safari/537.36',
  edgeWin: 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/142.0.0.0 Safari/537.36 Edg/142.0.3595.53',
  firefoxLinux: 'Mozilla/5.0 (X11; Ubuntu; Linux x86_64; rv:145.0) Gecko/20100101 Firefox/145.0',
  firefoxEsrWin: 'Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:140.0) Gecko/20100101 Firefox/140.0',
  safariMac: 'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/26.1 Safari/605.1.15',
  safariIphone: 'Mozilla/5.0 (iPhone; CPU iPhone OS 18_6 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/26.0 Mobile/15E148 Safari/604.1',
  chromeAndroidReduced: 'Mozilla/5.0 (Linux; Android 10; K) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/142.0.0.0 Mobile Safari/537.36',
  cubotPhone: 'Mozilla/5.0 (Linux; Android 14; CUBOT KINGKONG 9) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/142.0.0.0 Mobile Safari/537.36',
  outlookDesktop: 'Microsoft Office/16.0 (Windows NT 10.0; Microsoft Outlook 16.0.18129; Pro)',
  oldChrome: 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/96.0.4664.110 Safari/537.36',
  ie11: 'Mozilla/5.0 (Windows NT 10.0; WOW64; Trident/7.0; rv:11.0) like Gecko',
  chromeWin7: 'Mozilla/5.0 (Windows NT 6.1; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/109.0.0.0 Safari/537.36',
  edgeLegacy: 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/70.0.3538.102 Safari/537.36 Edge/18.19045',
  oldOpera: 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/119.0.0.0 Safari/537.36 OPR/105.0.0.0',
  oldIos: 'Mozilla/5.0 (iPhone; CPU iPhone OS 15_8 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/15.6 Mobile/15E148 Safari/604.1',
  oldMac: 'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_13_6) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/13.1.2 Safari/605.1.15',
  android9Firefox: 'Mozilla/5.0 (Android 9; Mobile; rv:145.0) Gecko/145.0 Firefox/145.0',
  winXp: 'Mozilla/5.0 (Windows NT 5.1; rv:52.0) Gecko/20100101 Firefox/52.0',
};

function hit(overrides: Partial<HitInput> & { ua?: string | null }): HitInput {
  const { ua, ...rest } = overrides;
  const headers: Record<string, string> = { accept: 'text/html', 'accept-language': 'en-GB,en;q=0.9' };
  if (ua !== null) headers['user-agent'] = ua ?? UA.chromeWin;
  return { method: 'GET', headers, ip: '203.0.113.50', eventType: 'click', msSinceSent: 60_000, ...rest, ...(rest.headers ? { headers: { ...headers, ...rest.headers } } : {}) };
}

describe('classifyHit: people', () => {
  const people: [string, string, string, string][] = [
    ['Chrome on Windows', UA.chromeWin, 'Windows 10', 'Chrome 142'],
    ['Edge on Windows', UA.edgeWin, 'Windows 10', 'Edge 142'],
    ['Firefox on Ubuntu', UA.firefoxLinux, 'Ubuntu', 'Firefox 145'],
    ['Firefox ESR on Windows', UA.firefoxEsrWin, 'Windows 10', 'Firefox 140'],
    ['Safari on a Mac', UA.safariMac, 'Mac OS 10.15.7', 'Safari 26'],
    ['Safari on an iPhone', UA.safariIphone, 'iOS 18.6', 'Mobile Safari 26'],
    ['Chrome on Android (reduced user agent)', UA.chromeAndroidReduced, 'Android 10', 'Chrome 142'],
    ['a Cubot phone (not a "bot")', UA.cubotPhone, 'Android 14', 'Chrome 142'],
    ['Outlook for Windows loading the pixel', UA.outlookDesktop, 'Windows 10', ''],
  ];
  it.each(people)('%s is human, with OS and browser, not vulnerable', (_name, ua, os, browser) => {
    for (const eventType of ['open', 'click', 'landing', 'submit', 'download'] as TrackingEventType[]) {
      expect(classifyHit(hit({ ua, eventType }))).toEqual({ verdict: 'human', reasons: [], os, browser, vulnerable: false, vulnerableReason: '' });
    }
  });

  it('takes a click after two seconds as human, and a missing send time as unknown', () => {
    expect(classifyHit(hit({ msSinceSent: 2000 })).verdict).toBe('human');
    expect(classifyHit(hit({ msSinceSent: null })).verdict).toBe('human');
    expect(classifyHit(hit({ msSinceSent: undefined })).verdict).toBe('human');
    // Opens are not timed: a mail client can load the pixel the moment the message arrives.
    expect(classifyHit(hit({ eventType: 'open', msSinceSent: 100 })).verdict).toBe('human');
  });

  it('accepts header values given as arrays, as node:http does for repeated headers', () => {
    expect(classifyHit(hit({ headers: { 'user-agent': [UA.chromeWin] } })).browser).toBe('Chrome 142');
  });
});

describe('classifyHit: automated', () => {
  const ranges = compileScannerRanges([
    { cidr: '198.51.100.0/24', label: 'Proofpoint' },
    { cidr: '2001:db8:40::/48', label: '' },
  ]);
  const cases: [string, HitInput, string[]][] = [
    ['a HEAD request', hit({ method: 'HEAD' }), ['HEAD request']],
    ['an OPTIONS request', hit({ method: 'options' }), ['OPTIONS request']],
    ['Chrome prerendering', hit({ headers: { 'sec-purpose': 'prefetch;prerender' } }), ['prefetch request (Sec-Purpose: prefetch;prerender)']],
    ['Chrome prefetching', hit({ headers: { 'sec-purpose': 'prefetch' } }), ['prefetch request (Sec-Purpose: prefetch)']],
    ['Purpose: prefetch', hit({ headers: { purpose: 'prefetch' } }), ['prefetch request (Purpose: prefetch)']],
    ['Firefox link prefetch', hit({ headers: { 'x-moz': 'prefetch' } }), ['prefetch request (X-Moz: prefetch)']],
    ['Safari preview', hit({ headers: { 'x-purpose': 'preview' } }), ['prefetch request (X-Purpose: preview)']],
    ['Safe Links (BingPreview)', hit({ ua: 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) BingPreview/1.0b' }), ['user agent is Microsoft Defender for Office 365 Safe Links (BingPreview)']],
    ['Proofpoint URL Defense', hit({ ua: 'Mozilla/5.0 (compatible; Proofpoint URL Defense)' }), ['user agent is Proofpoint']],
    ['Mimecast', hit({ ua: 'Mozilla/5.0 (compatible; Mimecast URL Protect)' }), ['user agent is Mimecast']],
    ['Barracuda', hit({ ua: 'Barracuda Sentinel (EE)' }), ['user agent is Barracuda']],
    ['Cisco IronPort', hit({ ua: 'Mozilla/5.0 (compatible; IronPort Web Security)' }), ['user agent is Cisco (IronPort)']],
    ['Slack unfurling', hit({ ua: 'Slackbot-LinkExpanding 1.0 (+https://api.slack.com/robots)' }), ['user agent is Slack link preview (Slackbot)']],
    ['Facebook', hit({ ua: 'facebookexternalhit/1.1 (+http://www.facebook.com/externalhit_uatext.php)' }), ['user agent is Facebook link preview (facebookexternalhit)']],
    ['Teams/Skype preview', hit({ ua: 'Mozilla/5.0 (Windows NT 6.1; WOW64) SkypeUriPreview Preview/0.5 skype-url-preview@microsoft.com' }), ['user agent is Microsoft Teams/Skype link preview (SkypeUriPreview)']],
    ['curl', hit({ ua: 'curl/8.5.0' }), ['user agent is curl']],
    ['python-requests', hit({ ua: 'python-requests/2.32.3' }), ['user agent is python-requests']],
    ['Wget', hit({ ua: 'Wget/1.21.4' }), ['user agent is Wget']],
    ['Go', hit({ ua: 'Go-http-client/1.1' }), ['user agent is Go-http-client']],
    ['Java', hit({ ua: 'Java/17.0.9' }), ['user agent is Java']],
    ['okhttp', hit({ ua: 'okhttp/4.12.0' }), ['user agent is okhttp']],
    ['headless Chrome', hit({ ua: UA.chromeWin.replace('Chrome/', 'HeadlessChrome/') }), ['user agent is HeadlessChrome']],
    ['a crawler by its name', hit({ ua: 'Mozilla/5.0 (compatible; bingbot/2.0; +http://www.bing.com/bingbot.htm)' }), ['user agent is a bot ("bingbot")']],
    ['a generic scanner', hit({ ua: 'SomeVendor-URL-Scanner/3.1' }), ['user agent is a scanner ("SomeVendor-URL-Scanner")']],
    ['no user agent', hit({ ua: null }), ['no user agent']],
    ['an empty user agent', hit({ ua: '   ' }), ['no user agent']],
    ['an address in a scanner range', hit({ ip: '198.51.100.7', scannerRanges: ranges }), ['address in scanner range Proofpoint 198.51.100.0/24']],
    ['an IPv4-mapped address in a scanner range', hit({ ip: '::ffff:198.51.100.7', scannerRanges: ranges }), ['address in scanner range Proofpoint 198.51.100.0/24']],
    ['an IPv6 address in an unlabelled range', hit({ ip: '2001:db8:40::1234', scannerRanges: ranges }), ['address in scanner range 2001:db8:40::/48']],
    ['a click 350 ms after delivery', hit({ msSinceSent: 350 }), ['clicked 350 ms after delivery']],
    ['a download 1999 ms after delivery', hit({ eventType: 'download', msSinceSent: 1999 }), ['downloaded 1999 ms after delivery']],
    ['a click before the relay confirmed delivery', hit({ msSinceSent: -120 }), ['clicked before the mail server had confirmed delivery']],
    [
      'a HEAD prefetch from a scanner range, fast, without user agent',
      hit({ method: 'HEAD', ua: null, headers: { 'sec-purpose': 'prefetch' }, ip: '198.51.100.9', scannerRanges: ranges, msSinceSent: 80 }),
      ['HEAD request', 'prefetch request (Sec-Purpose: prefetch)', 'no user agent', 'address in scanner range Proofpoint 198.51.100.0/24', 'clicked 80 ms after delivery'],
    ],
  ];
  it.each(cases)('%s', (_name, input, reasons) => {
    const v = classifyHit(input);
    expect(v.verdict).toBe('automated');
    expect(v.reasons).toEqual(reasons);
  });

  it("says why a Gmail image proxy open does not count", () => {
    const gmail = 'Mozilla/5.0 (Windows NT 5.1; rv:11.0) Gecko Firefox/11.0 (via ggpht.com GoogleImageProxy)';
    const v = classifyHit(hit({ ua: gmail, eventType: 'open' }));
    expect(v.verdict).toBe('automated');
    expect(v.reasons).toEqual([
      'Gmail image proxy (GoogleImageProxy) fetched the pixel: the provider loads images on its servers, so the open cannot be attributed to the person',
    ]);
    // The proxy's made-up Firefox 11 on XP says nothing about the person's computer.
    expect(v.vulnerable).toBe(false);
  });

  it('treats an address outside every range as human', () => {
    expect(classifyHit(hit({ ip: '198.51.101.1', scannerRanges: ranges })).verdict).toBe('human');
    expect(classifyHit(hit({ ip: '2001:db8:41::1', scannerRanges: ranges })).verdict).toBe('human');
    expect(classifyHit(hit({ ip: 'not-an-address', scannerRanges: ranges })).verdict).toBe('human');
  });

  it('judges a report-button POST only by method and prefetch: the button is a program acting for the person', () => {
    expect(classifyHit(hit({ eventType: 'report', method: 'POST', ua: 'python-requests/2.32.3', ip: '198.51.100.7', scannerRanges: ranges, msSinceSent: 10 }))).toMatchObject({
      verdict: 'human',
      reasons: [],
    });
    expect(classifyHit(hit({ eventType: 'report', method: 'HEAD' })).reasons).toEqual(['HEAD request']);
  });

  it('judges a GET of the report link like any other link: a scanner follows it like any other', () => {
    const v = classifyHit(hit({ eventType: 'report', method: 'GET', ua: 'python-requests/2.32.3', ip: '198.51.100.7', scannerRanges: ranges }));
    expect(v.verdict).toBe('automated');
    expect(v.reasons.some((r) => r.startsWith('address in scanner range'))).toBe(true);
    expect(classifyHit(hit({ eventType: 'report', method: 'GET', ua: '' })).reasons).toEqual(['no user agent']);
  });
});

describe('vulnerable', () => {
  const cases: [string, string, string][] = [
    ['an old Chrome', UA.oldChrome, 'Chrome 96 is older than the oldest supported 140'],
    ['Internet Explorer 11', UA.ie11, 'Internet Explorer 11 is out of support (since June 2022)'],
    ['Chrome on Windows 7', UA.chromeWin7, 'Chrome 109 is older than the oldest supported 140; Windows 7 is out of support'],
    ['Edge Legacy', UA.edgeLegacy, 'Edge Legacy (EdgeHTML) 18 is out of support (since March 2021)'],
    ['an old Opera, judged by its Chromium', UA.oldOpera, 'Opera 105 (Chromium 119) is older than the oldest supported Chromium 140'],
    ['an old iPhone', UA.oldIos, 'Mobile Safari 15 is older than the oldest supported 18; iOS 15.8 is older than the oldest supported 18'],
    ['an old Mac', UA.oldMac, 'Safari 13 is older than the oldest supported 18; macOS 10.13.6 is older than the oldest supported 10.15'],
    ['a current Firefox on Android 9', UA.android9Firefox, 'Android 9 is older than the oldest supported 13'],
    ['Windows XP', UA.winXp, 'Firefox 52 is older than the oldest supported 140; Windows XP is out of support'],
  ];
  it.each(cases)('%s is vulnerable, with the reason', (_name, ua, reason) => {
    const v = classifyHit(hit({ ua }));
    expect(v.verdict).toBe('human');
    expect(v).toMatchObject({ vulnerable: true, vulnerableReason: reason });
  });

  it('does not flag current browsers, nor versions that user agents freeze', () => {
    for (const ua of [UA.chromeWin, UA.edgeWin, UA.firefoxEsrWin, UA.safariMac, UA.safariIphone, UA.chromeAndroidReduced]) {
      expect(describeAgent(ua)).toMatchObject({ vulnerable: false, vulnerableReason: '' });
    }
  });

  it('records when the support table was last updated', () => {
    expect(SUPPORT_TABLE_UPDATED).toMatch(/^\d{4}-\d{2}-\d{2}$/);
  });
});

describe('user-agent cache', () => {
  it('stays bounded however many distinct user agents arrive', () => {
    for (let i = 0; i < AGENT_CACHE_SIZE + 500; i++) describeAgent(`${UA.chromeWin} build/${i}`);
    expect(agentCacheSize()).toBe(AGENT_CACHE_SIZE);
    // Results are the same whether parsed or cached.
    expect(describeAgent(UA.ie11)).toEqual(describeAgent(UA.ie11));
  });

  it('looks at no more than the first 512 characters of a huge user agent', () => {
    const v = classifyHit(hit({ ua: `${UA.chromeWin} ${'x'.repeat(20_000)}` }));
    expect(v).toMatchObject({ verdict: 'human', browser: 'Chrome 142' });
  });
});

describe('countryOf', () => {
  it('finds public addresses in the shipped database', () => {
    expect(countryOf('8.8.8.8')).toBe('US');
    expect(countryOf('::ffff:8.8.8.8')).toBe('US');
    expect(countryOf('2001:4860:4860::8888')).toBe('US');
  });

  it('answers empty for private, loopback and invalid addresses', () => {
    for (const ip of ['10.1.2.3', '192.168.0.10', '172.16.5.4', '127.0.0.1', '::1', 'fe80::1', '', 'garbage']) expect(countryOf(ip)).toBe('');
  });
});

describe('parseCidr', () => {
  it('accepts IPv4 and IPv6 ranges and single addresses', () => {
    expect(parseCidr('192.0.2.0/24')).toMatchObject({ cidr: '192.0.2.0/24', family: 'ipv4', prefix: 24 });
    expect(parseCidr(' 2001:DB8::/32 ')).toMatchObject({ cidr: '2001:db8::/32', family: 'ipv6', prefix: 32 });
    expect(parseCidr('192.0.2.9').cidr).toBe('192.0.2.9/32');
    expect(parseCidr('2001:db8::9').cidr).toBe('2001:db8::9/128');
  });

  it.each([
    ['192.0.2.0/33', /prefix length above 32/],
    ['2001:db8::/129', /prefix length above 128/],
    ['192.0.2.0/', /no valid prefix length/],
    ['192.0.2.0/2x', /no valid prefix length/],
    ['300.0.0.0/8', /not an IPv4 or IPv6 range/],
    ['example.com', /not an IPv4 or IPv6 range/],
    ['fe80::1%eth0/64', /not an IPv4 or IPv6 range/],
    ['0.0.0.0/0', /too wide/],
    ['::/8', /too wide/],
  ])('refuses %s', (cidr, message) => {
    expect(() => parseCidr(cidr)).toThrow(message);
    expect(() => parseCidr(cidr)).toThrow(/^cidr: /);
  });
});
