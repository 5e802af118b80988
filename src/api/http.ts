/**
 * The fastify setup shared by every server: request validation (bodies are never coerced, so
 * a wrong type is a 400; query strings and paths are), JSON-only bodies, and log lines that
 * carry no secret.
 */
import { Ajv } from 'ajv';
import addFormatsModule from 'ajv-formats';
import Fastify, { type FastifyInstance, type FastifyServerOptions } from 'fastify';
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

/** Strips the query string so that `?access_token=` never reaches a log line. */
function logUrl(url: string): string {
  const q = url.indexOf('?');
  return q === -1 ? url : url.slice(0, q);
}

export function createHttpServer(config: Pick<Config, 'bodyLimit' | 'trustedProxies' | 'logLevel'>, options: { logger?: boolean } = {}): FastifyInstance {
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
    return503OnClosing: true,
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
