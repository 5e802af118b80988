/**
 * Fixed answers of the tracking server: the neutral 404 (the same bytes for an unknown route,
 * a forged token, an unknown victim and a stopped campaign), the pixel, the report thank-you
 * page, and the headers every answer carries.
 */

/** A 1×1 transparent GIF (42 bytes). */
export const PIXEL_GIF = Buffer.from('R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7', 'base64');

export const NOT_FOUND_PAGE =
  '<!doctype html><html><head><meta charset="utf-8"><title>Not Found</title></head><body><h1>Not Found</h1><p>The requested URL was not found on this server.</p></body></html>';

export const REPORT_THANKS_PAGE = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><meta name="robots" content="noindex, nofollow">
<title>Thank you for reporting</title>
<style>body{margin:0;background:#f3f4f6;font-family:system-ui,-apple-system,"Segoe UI",Roboto,Arial,sans-serif;color:#1f2937}.card{max-width:520px;margin:64px auto;background:#fff;border:1px solid #e5e7eb;border-radius:10px;padding:28px}h1{font-size:21px;margin:0 0 10px;color:#0f766e}</style>
</head><body><div class="card"><h1>Thank you for reporting this message</h1><p>Your report has been received. Reporting suspicious messages is exactly the right thing to do.</p></div></body></html>
`;

export const ROBOTS_TXT = 'User-agent: *\nDisallow: /\n';

/** The CSP of pages without a form that goes elsewhere: inline styles, images from here, forms to here, nothing else. */
export const PAGE_CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src 'self' data:; font-src 'self' data:; form-action 'self'; base-uri 'none'; frame-ancestors 'none'";

/**
 * A landing page's CSP. Browsers apply form-action to the redirect that follows a post, so when
 * a successful post redirects to the scenario's redirect_url, that origin is allowed too.
 */
export function landingCsp(redirectUrl: string): string {
  let origin = '';
  try {
    const u = new URL(redirectUrl);
    if (u.protocol === 'https:' || u.protocol === 'http:') origin = u.origin;
  } catch {
    // no (valid) redirect: posts stay here
  }
  return origin ? PAGE_CSP.replace("form-action 'self'", `form-action 'self' ${origin}`) : PAGE_CSP;
}

/** On every answer. */
export const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'x-robots-tag': 'noindex, nofollow',
};
