/**
 * The fastify setup shared by every server: request validation (bodies are never coerced, so
 * a wrong type is a 400; query strings and paths are), JSON-only bodies, and log lines that
 * carry no secret.
 */
import { Ajv } from 'ajv';
import addFormatsModule from 'ajv-formats';
import Fastify, { type FastifyInstance, type FastifyServerOptions } from 'fastify';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { Config } from '../config.ts';
import { isLucyDateTime } from './lucy/plumbing.ts';
import { isTrustedProxy } from './proxies.ts';

// ajv-formats is CommonJS with a default export.
const addFormats = ((addFormatsModule as unknown as { default?: unknown }).default ?? addFormatsModule) as (ajv: Ajv) => Ajv;

function makeAjv(coerce: boolean) {
  const ajv = new Ajv({
    coerceTypes: coerce ? 'array' : false,
    useDefaults: coerce,
    removeAdditional: false,
    allErrors: false,
    strict: false,
  });
  addFormats(ajv);
  ajv.addFormat('lucy-datetime', { type: 'string', validate: isLucyDateTime });
  ajv.addKeyword({ keyword: 'example' });
  return ajv;
}

/** An HTTP server that offers every request to `fast` first; set up as fastify sets up its own. */
function serverWith(fast: FastPath): FastifyServerOptions['serverFactory'] {
  return (handler, opts) => {
    const o = opts as { keepAliveTimeout?: number; requestTimeout?: number; connectionTimeout?: number };
    const server = createServer((req, res) => {
      if (!fast(req, res)) handler(req, res);
    });
    if (typeof o.keepAliveTimeout === 'number') server.keepAliveTimeout = o.keepAliveTimeout;
    if (typeof o.requestTimeout === 'number') server.requestTimeout = o.requestTimeout;
    server.setTimeout(typeof o.connectionTimeout === 'number' ? o.connectionTimeout : 0);
    return server;
  };
}

/** A tracking, awareness or learner portal token in a path: each is a key to one person's links. */
const TOKEN_PATH = /^\/(o|l|d|f|r|a|learn)\/[^/]+/;

/**
 * A request's URL as it may go in a log line: no query string (`?access_token=`), and no token of
 * the tracking server's paths (whoever reads the log could otherwise act as the person).
 */
export function logUrl(url: string): string {
  const q = url.indexOf('?');
  const p = q === -1 ? url : url.slice(0, q);
  return p.replace(TOKEN_PATH, '/$1/<token>');
}

/**
 * A request answered before fastify sees it (true), or left to fastify (false). Only for the
 * tracking server's hottest path (tracking/server.ts), which then answers exactly as its route would.
 */
export type FastPath = (req: IncomingMessage, res: ServerResponse) => boolean;

export function createHttpServer(
  config: Pick<Config, 'bodyLimit' | 'trustedProxies' | 'logLevel'>,
  options: { logger?: boolean; fastPath?: FastPath; frameworkErrors?: FastifyServerOptions['frameworkErrors']; return503OnClosing?: boolean } = {},
): FastifyInstance {
  const loggerOptions: FastifyServerOptions['logger'] = options.logger === false
    ? false
    : {
        level: config.logLevel,
        serializers: {
          req: (req) => ({ method: req.method, url: logUrl(req.url), remoteAddress: req.ip }),
          res: (res) => ({ statusCode: res.statusCode }),
        },
        redact: ['req.headers.authorization', 'req.headers.apikey', 'req.headers.cookie'],
      };
  const app = Fastify({
    logger: loggerOptions,
    bodyLimit: config.bodyLimit,
    trustProxy: config.trustedProxies.length ? (address: string) => isTrustedProxy(address, config.trustedProxies) : false,
    ajv: undefined,
    routerOptions: { ignoreTrailingSlash: true, maxParamLength: 500 },
    return503OnClosing: options.return503OnClosing ?? true,
    ...(options.fastPath ? { serverFactory: serverWith(options.fastPath) } : {}),
    ...(options.frameworkErrors ? { frameworkErrors: options.frameworkErrors } : {}),
  });
  const bodyAjv = makeAjv(false);
  const paramAjv = makeAjv(true);
  app.setValidatorCompiler(({ schema, httpPart }) => (httpPart === 'body' ? bodyAjv : paramAjv).compile(schema));
  // Bodies are JSON only; fastify's default text/plain parser would let other types through.
  app.removeContentTypeParser('text/plain');
  // Lucy clients send Content-Type: application/json on every request, bodiless POSTs and
  // DELETEs included: an empty body is no body, not an error.
  const json = app.getDefaultJsonParser('error', 'error');
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (req, body, done) => {
    const text = typeof body === 'string' ? body : body.toString('utf8');
    if (text.trim() === '') return done(null, undefined);
    return json(req, text, done);
  });
  return app;
}
