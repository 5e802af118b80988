/**
 * The public tracking server: what a victim's links and the open pixel reach. It serves nothing
 * of the admin API. Every request that carries a token is recorded by core.tracking before it is
 * answered (a 2xx means the hit is durably in the journal, core/tracking/journal.ts); an unknown or forged token, or a campaign that is
 * not running, gets the neutral 404, byte for byte the page of an unknown URL.
 *
 *   GET  /o/:token(.gif)  open pixel (1×1 GIF)
 *   GET  /l/:token        click: the landing page (or redirect_url when the scenario has no landing page)
 *   POST /l/:token        form post from the landing page
 *   GET  /d/:token        file download (file scenarios)
 *   GET  /f/:token        document beacon (file_data scenarios; a 1×1 GIF)
 *   GET  /r/:token        report: a thank-you page;  POST /r/:token: {"status":"ok"}
 *   GET  /a/:token        the awareness page after a success;  POST /a/:token: its quiz (awareness.ts)
 *   GET  /robots.txt      disallow everything
 * HEAD works wherever GET does, and is recorded (as automated).
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ServerResponse } from 'node:http';
import { createHttpServer, type FastPath } from '../api/http.ts';
import { isTrustedProxy } from '../api/proxies.ts';
import { plainIp, senderOf, type Sender } from './sender.ts';
import type { ServerOptions } from '../api/server.ts';
import type { Core } from '../core/index.ts';
import { landingValues } from '../core/tracking/landing.ts';
import type { HitKind, HitOutcome, RecordedHit } from '../core/tracking/tracking.ts';
import { awarenessPlaceholderPage } from './awareness-placeholder.ts';
import { registerAwarenessRoutes } from './awareness.ts';
import { registerPortal } from './portal.ts';
import { contentDisposition, simulationFile } from './download.ts';
import { FORM_BODY_LIMIT, parseForm } from './forms.ts';
import { landingCsp, NOT_FOUND_PAGE, PAGE_CSP, PIXEL_GIF, REPORT_THANKS_PAGE, ROBOTS_TXT, SECURITY_HEADERS } from './pages.ts';

const HTML = 'text/html; charset=utf-8';
const PIXEL_CACHE_CONTROL = 'no-store, no-cache, must-revalidate, max-age=0';
const AWARENESS_PAGE = awarenessPlaceholderPage();

interface TokenParams {
  token: string;
}

/** What the answers below need of a reply: fastify's, or RawAnswer on the fast path. */
interface Answer {
  code(status: number): Answer;
  header(name: string, value: string | number): Answer;
  headers(values: Readonly<Record<string, string>>): Answer;
  type(contentType: string): Answer;
  send(body?: string | Buffer): unknown;
  redirect(url: string, status: number): unknown;
}

/** An Answer written straight to node's response, byte for byte what fastify would write for the same calls. */
class RawAnswer implements Answer {
  private status = 200;
  private readonly out: Record<string, string | number> = {};
  constructor(private readonly res: ServerResponse) {}
  code(status: number): Answer {
    this.status = status;
    return this;
  }
  header(name: string, value: string | number): Answer {
    this.out[name.toLowerCase()] = value;
    return this;
  }
  headers(values: Readonly<Record<string, string>>): Answer {
    for (const k in values) this.out[k.toLowerCase()] = values[k];
    return this;
  }
  type(contentType: string): Answer {
    this.out['content-type'] = contentType;
    return this;
  }
  send(body?: string | Buffer): unknown {
    // A string body goes out with the head in one write (node prepends the head to a string, but
    // writes a Buffer after it with writev); the pixel as its latin1 string does the same.
    if (body === PIXEL_GIF) {
      this.out['content-length'] = PIXEL_GIF.length;
      this.res.writeHead(this.status, this.out);
      this.res.end(PIXEL_LATIN1, 'latin1');
    } else if (typeof body === 'string') {
      this.out['content-length'] = Buffer.byteLength(body);
      this.res.writeHead(this.status, this.out);
      this.res.end(body);
    } else {
      const bytes = body ?? EMPTY;
      this.out['content-length'] = bytes.length;
      this.res.writeHead(this.status, this.out);
      this.res.end(bytes);
    }
    return this;
  }
  redirect(url: string, status: number): unknown {
    return this.header('location', url).code(status).send();
  }
}
const EMPTY = Buffer.alloc(0);
const PIXEL_LATIN1 = PIXEL_GIF.toString('latin1');

export async function buildTrackingServer(core: Core, options: ServerOptions = {}): Promise<FastifyInstance> {
  let fast: FastPath = () => false;
  // A URL fastify refuses before routing (a broken percent-escape, a token longer than any of
  // ours) is a link that does not exist: the neutral 404, not fastify's JSON.
  const app = createHttpServer(core.config, {
    ...options,
    fastPath: (req, res) => fast(req, res),
    frameworkErrors: (_err, _req, reply) => notFound(reply as unknown as Answer),
    // While it closes, the neutral page (with a 503) rather than fastify's JSON: below.
    return503OnClosing: false,
  });
  const tracking = core.tracking;
  tracking.useScannerRanges(core.scannerRanges);
  let closing = false;

  // Hits queued when the server closes are written before the database goes away; what arrives
  // once it is closing (on a connection kept alive) gets the neutral page with a 503.
  app.addHook('preClose', async () => {
    closing = true;
  });
  app.addHook('onClose', async () => {
    closing = true;
    await tracking.close();
  });
  app.addHook('onRequest', (_req, reply, done) => {
    if (closing) notFound(reply as unknown as Answer, 503);
    else done();
  });

  // Bodies: forms (and lenient JSON for report buttons), parsed by the route; nothing else is a body parser here.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit: FORM_BODY_LIMIT }, (_req, body, done) => done(null, body));

  const notFound = (reply: Answer, status = 404) =>
    reply.code(status).headers(SECURITY_HEADERS).header('cache-control', 'no-store').header('content-security-policy', PAGE_CSP).type(HTML).send(NOT_FOUND_PAGE);
  const page = (reply: Answer, html: string, csp = PAGE_CSP) =>
    reply.headers(SECURITY_HEADERS).header('cache-control', 'no-store').header('content-security-policy', csp).type(HTML).send(html);
  const gif = (reply: Answer) => reply.headers(SECURITY_HEADERS).header('cache-control', PIXEL_CACHE_CONTROL).type('image/gif').send(PIXEL_GIF);

  // Tokens that verified, so that a repeated hit skips the HMAC (a forged token is never kept).
  const verified = new Map<string, number>();
  const victimOf = (token: string): number | null => {
    let id: number | null | undefined = verified.get(token);
    if (id === undefined) {
      id = tracking.victimOf(token);
      if (id === null) return null;
      if (verified.size >= 100_000) verified.clear();
      verified.set(token, id);
    }
    return id;
  };

  type Outcome = HitOutcome & { awarenessPath?: string | null };
  /** A success leads to the campaign's awareness: its page now, or its mail later (send_awareness_link). */
  const withAwareness = async (o: HitOutcome): Promise<Outcome> => {
    if (!o.found || !o.leadsToAwareness) return o;
    const human = o.verdict === 'human';
    return {
      ...o,
      awarenessPath: await core.awarenessTraining.afterSuccess({ victimId: o.victimId, campaignId: o.scenario.campaignId, scenarioId: o.scenario.id, human }, () => tracking.settled()),
    };
  };

  const hit = async (
    from: FastifyRequest | Sender,
    kind: HitKind,
    token: string,
    extra: { page?: boolean; fields?: ReturnType<typeof parseForm> } = {},
  ): Promise<Outcome> => {
    const sender = 'socket' in from ? senderOf(from) : from;
    const victimId = victimOf(token);
    return withAwareness(victimId === null ? { found: false } : await tracking.recorder.record({ victimId, kind, ...sender, ...extra }));
  };

  const csps = new Map<string, string>();
  const cspFor = (redirectUrl: string) => {
    let csp = csps.get(redirectUrl);
    if (csp === undefined) {
      if (csps.size > 10_000) csps.clear();
      csps.set(redirectUrl, (csp = landingCsp(redirectUrl)));
    }
    return csp;
  };

  /** The landing page of the person's scenario, in their language. */
  const landing = (reply: Answer, o: RecordedHit, token: string) => {
    if (o.content?.hasLanding && o.person) {
      const html = o.content.render(landingValues(o.person, o.scenario, { formAction: `/l/${token}`, downloadLink: `/d/${token}` }));
      return page(reply, html, cspFor(o.scenario.redirectUrl));
    }
    return page(reply, AWARENESS_PAGE);
  };

  /** After success: the scenario's redirect_url (web addresses only), else the campaign's awareness page, else the placeholder. */
  const afterSuccess = (reply: Answer, o: RecordedHit & { awarenessPath?: string | null }, status: 302 | 303) => {
    if (/^https?:\/\//i.test(o.scenario.redirectUrl)) return reply.headers(SECURITY_HEADERS).header('cache-control', 'no-store').redirect(o.scenario.redirectUrl, status);
    if (o.awarenessPath) return reply.headers(SECURITY_HEADERS).header('cache-control', 'no-store').redirect(o.awarenessPath, status);
    return page(reply, AWARENESS_PAGE);
  };

  /** The answers of the two hits that come by the thousand: the open pixel and the link. */
  const answerOpen = (reply: Answer, o: HitOutcome) => (o.found ? gif(reply) : notFound(reply));
  const answerClick = (reply: Answer, o: HitOutcome & { awarenessPath?: string | null }, token: string) => {
    if (!o.found) return notFound(reply);
    if (o.scenario.noLanding) return afterSuccess(reply, o, 302);
    return landing(reply, o, token);
  };

  /**
   * GET /o/:token and GET /l/:token (the hits that come by the thousand) answered before
   * fastify routes them: the same recording and the same answers (answerOpen, answerClick), the
   * same bytes (test/tracking-fast-path.test.ts compares them), without fastify's per-request
   * machinery. Anything else, a forged or unknown token, and requests through a trusted proxy
   * (whose client address fastify works out) go the ordinary way.
   */
  fast = (req, res) => {
    const url = req.url;
    if (closing || req.method !== 'GET' || !url || url.length < 4 || url[2] !== '/') return false;
    const kind = url.startsWith('/o/') ? 'open' : url.startsWith('/l/') ? 'click' : null;
    if (!kind) return false;
    const q = url.indexOf('?');
    let token = q === -1 ? url.slice(3) : url.slice(3, q);
    if (kind === 'open' && token.endsWith('.gif')) token = token.slice(0, -4);
    if (!token || token.includes('/') || token.includes('%')) return false;
    const peer = plainIp(req.socket.remoteAddress);
    if (!peer || (core.config.trustedProxies.length && isTrustedProxy(peer, core.config.trustedProxies))) return false;
    const victimId = victimOf(token);
    if (victimId === null) return false;
    // A callback rather than a promise, and no closure of its own but this one: this runs tens of
    // thousands of times a second.
    tracking.recorder.submit({ victimId, kind, method: 'GET', headers: req.headers, ip: peer, proxyIp: '', page: kind === 'click' }, (err, o) => {
      if (o === undefined) fastFailed(res, err);
      else if (o.found && o.leadsToAwareness) withAwareness(o).then((done) => fastAnswer(res, kind, token, done), (e: unknown) => fastFailed(res, e));
      else fastAnswer(res, kind, token, o);
    });
    return true;
  };
  /** Answers a fast-path hit; an answer that cannot be written (a header node refuses) becomes the neutral 404, and the process goes on. */
  const fastAnswer = (res: ServerResponse, kind: 'open' | 'click', token: string, o: Outcome) => {
    try {
      if (kind === 'open') answerOpen(new RawAnswer(res), o);
      else answerClick(new RawAnswer(res), o, token);
    } catch (err) {
      fastFailed(res, err);
    }
  };
  const fastFailed = (res: ServerResponse, err: unknown) => {
    app.log.error({ err }, 'tracking request failed');
    // A fresh answer: nothing of the one that failed (its Location, its type) goes with the 404.
    if (!res.headersSent) notFound(new RawAnswer(res));
    else res.destroy();
  };

  app.get('/robots.txt', async (_req, reply) => reply.headers(SECURITY_HEADERS).type('text/plain; charset=utf-8').send(ROBOTS_TXT));

  app.get<{ Params: TokenParams }>('/o/:token', async (req, reply) => {
    const token = req.params.token.endsWith('.gif') ? req.params.token.slice(0, -4) : req.params.token;
    return answerOpen(reply, await hit(req, 'open', token));
  });

  app.get<{ Params: TokenParams }>('/l/:token', async (req, reply) => answerClick(reply, await hit(req, 'click', req.params.token, { page: true }), req.params.token));

  app.post<{ Params: TokenParams; Body: Buffer | undefined }>('/l/:token', async (req, reply) => {
    const { token } = req.params;
    const fields = parseForm(req.headers['content-type'], Buffer.isBuffer(req.body) ? req.body : undefined);
    const o = await hit(req, 'submit', token, { page: true, fields });
    if (!o.found) return notFound(reply);
    // The answer depends only on the values, never on the verdict: a scanner sees what a person sees.
    if (o.valid) return afterSuccess(reply, o, 303);
    return landing(reply, o, token);
  });

  app.get<{ Params: TokenParams }>('/d/:token', async (req, reply) => {
    const o = await hit(req, 'download', req.params.token, { page: true });
    if (!o.found) return notFound(reply);
    const file = simulationFile(o.content?.attachmentName ?? '');
    return reply
      .headers(SECURITY_HEADERS)
      .header('cache-control', 'no-store')
      .header('content-security-policy', PAGE_CSP)
      .header('content-disposition', contentDisposition(file.name))
      .type(file.contentType)
      .send(file.body);
  });

  app.get<{ Params: TokenParams }>('/f/:token', async (req, reply) => {
    const token = req.params.token.endsWith('.gif') ? req.params.token.slice(0, -4) : req.params.token;
    const o = await hit(req, 'file_data', token);
    return o.found ? gif(reply) : notFound(reply);
  });

  app.get<{ Params: TokenParams }>('/r/:token', async (req, reply) => {
    const o = await hit(req, 'report', req.params.token);
    return o.found ? page(reply, REPORT_THANKS_PAGE) : notFound(reply);
  });

  app.post<{ Params: TokenParams }>('/r/:token', async (req, reply) => {
    const o = await hit(req, 'report', req.params.token);
    if (!o.found) return notFound(reply);
    return reply.headers(SECURITY_HEADERS).header('cache-control', 'no-store').type('application/json; charset=utf-8').send('{"status":"ok"}');
  });

  registerAwarenessRoutes(app, core, (reply) => {
    notFound(reply);
    return reply;
  });
  registerPortal(app, core);

  app.setNotFoundHandler((_req, reply) => notFound(reply));
  app.setErrorHandler((err, req, reply) => {
    const status = (err as { statusCode?: number }).statusCode;
    if (!status || status >= 500) req.log.error({ err }, 'tracking request failed');
    // Nothing about the failure reaches the client: the same neutral page, with the status of a
    // client error, and none of the headers the failed answer had set (a Location node refused).
    for (const name of Object.keys(reply.getHeaders())) reply.removeHeader(name);
    return notFound(reply, status && status < 500 ? status : 404);
  });
  return app;
}
