/**
 * Reference data on the Lucy API: languages (with their icons), benchmark sectors and sender
 * domains.
 */
import type { FastifyInstance } from 'fastify';
import type { Core } from '../../core/index.ts';
import type { BenchmarkInput, BenchmarkRow, DomainInput, DomainRow, LanguageRow } from '../../core/reference/reference.ts';
import { invalid } from '../../errors.ts';
import { errorResponses, idParams, linksSchema, listQuery, noContent, nullableIdSchema, yes, type ListQuery } from './plumbing.ts';

// Languages

export const languageSchema = {
  type: 'object',
  properties: {
    id: { type: 'integer' },
    name: { type: 'string' },
    default: { type: 'boolean' },
    image: { type: 'string', description: 'link to the language icon (an SVG, no credential needed)' },
    code: { type: 'string', description: 'Decoy extension: the ISO 639-1 code' },
  },
} as const;

export function languageResource(l: LanguageRow) {
  return { id: l.id, name: l.name, default: yes(l.is_default), image: `/api/languages/${l.id}/image`, code: l.code };
}

const escapeXml = (s: string) => s.replace(/[<>&"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** A rounded rectangle with the language code: the icon Lucy's `image` points at. */
export function languageIcon(code: string): string {
  let hash = 0;
  for (const ch of code) hash = (hash * 31 + ch.charCodeAt(0)) % 360;
  const label = escapeXml(code.toUpperCase().slice(0, 5));
  return (
    '<svg xmlns="http://www.w3.org/2000/svg" width="32" height="24" viewBox="0 0 32 24" role="img">' +
    `<title>${label}</title>` +
    `<rect x="0.5" y="0.5" width="31" height="23" rx="5" ry="5" fill="hsl(${hash},55%,40%)" stroke="hsl(${hash},55%,28%)"/>` +
    `<text x="16" y="16.5" text-anchor="middle" font-family="Helvetica,Arial,sans-serif" font-size="11" font-weight="700" fill="#fff">${label}</text>` +
    '</svg>'
  );
}

// Benchmarks

const benchmarkProps = {
  id: { type: 'integer' },
  name: { type: 'string', maxLength: 255 },
} as const;
export const benchmarkSchema = { type: 'object', properties: { ...benchmarkProps, links: linksSchema } } as const;

export function benchmarkResource(b: BenchmarkRow) {
  return { id: b.id, name: b.name, links: [{ rel: 'self', href: `/api/benchmarks/${b.id}` }] };
}

// Domains

export const domainSchema = {
  type: 'object',
  properties: {
    id: { type: 'integer' },
    name: { type: 'string' },
    client_id: { type: ['integer', 'null'], description: 'Decoy extension: the owning client; null: shared by every client' },
    dkim_selector: { type: 'string', description: 'Decoy extension: the DKIM selector mail from this domain is signed with ("" : not signed)' },
    dkim: { type: 'boolean', description: 'Decoy extension: whether a DKIM key is set (the key itself is never shown)' },
    links: linksSchema,
  },
} as const;

export function domainResource(d: DomainRow) {
  return {
    id: d.id,
    name: d.name,
    client_id: d.client_id,
    dkim_selector: d.dkim_selector,
    dkim: d.dkim_private_key !== '',
    links: [{ rel: 'self', href: `/api/domains/${d.id}` }, ...(d.client_id ? [{ rel: 'client', href: `/api/clients/${d.client_id}` }] : [])],
  };
}

/** Lucy sends `id` in a save body as well as in the path: they must agree. */
function samePathId(bodyId: unknown, pathId: number) {
  if (bodyId !== undefined && bodyId !== pathId) throw invalid(`id: ${String(bodyId)} does not match the id in the path (${pathId})`);
}

export default async function referenceRoutes(app: FastifyInstance, core: Core) {
  {
    const tags = ['languages'];
    const one = { 200: { type: 'object', properties: { language: languageSchema } }, ...errorResponses };
    app.get<{ Querystring: ListQuery }>(
      '/languages',
      {
        schema: {
          tags,
          summary: 'List languages',
          querystring: listQuery,
          response: { 200: { type: 'object', properties: { languages: { type: 'array', items: languageSchema } } }, ...errorResponses },
        },
      },
      async (req) => ({ languages: (await core.reference.listLanguages(req.principal, req.query)).map(languageResource) }),
    );

    app.get<{ Params: { id: number } }>(
      '/languages/:id',
      { schema: { tags, summary: 'Get a language (Decoy extension)', params: idParams, response: one } },
      async (req) => ({ language: languageResource(await core.reference.getLanguage(req.principal, req.params.id)) }),
    );

    // Public: an <img> cannot send a bearer token, and the icon shows only the language code.
    app.get<{ Params: { id: number } }>(
      '/languages/:id/image',
      { config: { public: true }, schema: { tags, summary: 'The language icon (SVG)', params: idParams } },
      async (req, reply) => {
        const language = await core.reference.language(req.params.id);
        return reply
          .type('image/svg+xml; charset=utf-8')
          .header('Content-Security-Policy', "default-src 'none'; style-src 'unsafe-inline'")
          .header('X-Content-Type-Options', 'nosniff')
          .header('Cache-Control', 'public, max-age=86400')
          .send(languageIcon(language.code));
      },
    );
  }

  {
    const tags = ['benchmarks'];
    const one = { 200: { type: 'object', properties: { benchmark: benchmarkSchema } }, ...errorResponses };
    app.get<{ Querystring: ListQuery }>(
      '/benchmarks',
      {
        schema: {
          tags,
          summary: 'List benchmark sectors',
          querystring: listQuery,
          response: { 200: { type: 'object', properties: { benchmarks: { type: 'array', items: benchmarkSchema } } }, ...errorResponses },
        },
      },
      async (req) => ({ benchmarks: (await core.reference.listBenchmarks(req.principal, req.query)).map(benchmarkResource) }),
    );

    app.put<{ Body: BenchmarkInput }>(
      '/benchmarks',
      {
        schema: {
          tags,
          summary: 'Create a benchmark sector (super admin)',
          body: { type: 'object', required: ['name'], properties: { name: { ...benchmarkProps.name, minLength: 1 } } },
          response: one,
        },
      },
      async (req) => ({ benchmark: benchmarkResource(await core.reference.createBenchmark(req.principal, req.body)) }),
    );

    app.get<{ Params: { id: number } }>(
      '/benchmarks/:id',
      { schema: { tags, summary: 'Get a benchmark sector', params: idParams, response: one } },
      async (req) => ({ benchmark: benchmarkResource(await core.reference.getBenchmark(req.principal, req.params.id)) }),
    );

    app.post<{ Params: { id: number }; Body: BenchmarkInput & { id: number } }>(
      '/benchmarks/:id',
      {
        schema: {
          tags,
          summary: 'Save a benchmark sector (super admin)',
          params: idParams,
          body: { type: 'object', required: ['id', 'name'], properties: { id: idParams.properties.id, name: { ...benchmarkProps.name, minLength: 1 } } },
          response: one,
        },
      },
      async (req) => {
        samePathId(req.body.id, req.params.id);
        return { benchmark: benchmarkResource(await core.reference.saveBenchmark(req.principal, req.params.id, req.body)) };
      },
    );

    app.delete<{ Params: { id: number } }>(
      '/benchmarks/:id',
      { schema: { tags, summary: 'Delete a benchmark sector (super admin); campaigns that used it keep none', params: idParams, response: errorResponses } },
      async (req, reply) => {
        await core.reference.deleteBenchmark(req.principal, req.params.id);
        return noContent(reply);
      },
    );
  }

  {
    const tags = ['domains'];
    const one = { 200: { type: 'object', properties: { domain: domainSchema } }, ...errorResponses };
    app.get<{ Querystring: ListQuery }>(
      '/domains',
      {
        schema: {
          tags,
          summary: 'List domains: the shared ones and your client\'s own',
          querystring: listQuery,
          response: { 200: { type: 'object', properties: { domains: { type: 'array', items: domainSchema } } }, ...errorResponses },
        },
      },
      async (req) => ({ domains: (await core.reference.listDomains(req.principal, req.query)).map(domainResource) }),
    );

    app.put<{ Body: DomainInput }>(
      '/domains',
      {
        schema: {
          tags,
          summary: 'Create a domain (a DNS name; internationalised names are stored as punycode)',
          body: {
            type: 'object',
            required: ['name'],
            properties: {
              name: { type: 'string', minLength: 1, maxLength: 1024 },
              client_id: { ...nullableIdSchema, description: 'Decoy extension, super admin only: the owning client; null or absent: shared' },
            },
          },
          response: one,
        },
      },
      async (req) => ({ domain: domainResource(await core.reference.createDomain(req.principal, req.body)) }),
    );

    app.get<{ Params: { id: number } }>(
      '/domains/:id',
      { schema: { tags, summary: 'Get a domain (Decoy extension)', params: idParams, response: one } },
      async (req) => ({ domain: domainResource(await core.reference.getDomain(req.principal, req.params.id)) }),
    );

    app.put<{ Params: { id: number }; Body: { selector: string; private_key: string } }>(
      '/domains/:id/dkim',
      {
        schema: {
          tags,
          summary: 'Sign mail from this domain with DKIM (Decoy extension); the key is stored encrypted and never shown again',
          params: idParams,
          body: {
            type: 'object',
            required: ['selector', 'private_key'],
            properties: {
              selector: { type: 'string', minLength: 1, maxLength: 253 },
              private_key: { type: 'string', minLength: 1, maxLength: 20000, description: 'PEM, RSA or Ed25519' },
            },
          },
          response: one,
        },
      },
      async (req) => ({ domain: domainResource(await core.reference.setDomainDkim(req.principal, req.params.id, req.body)) }),
    );

    app.delete<{ Params: { id: number } }>(
      '/domains/:id/dkim',
      { schema: { tags, summary: 'Stop signing mail from this domain (Decoy extension)', params: idParams, response: one } },
      async (req) => ({ domain: domainResource(await core.reference.setDomainDkim(req.principal, req.params.id, null)) }),
    );

    app.delete<{ Params: { id: number } }>(
      '/domains/:id',
      { schema: { tags, summary: 'Delete a domain (shared ones: super admin only)', params: idParams, response: errorResponses } },
      async (req, reply) => {
        await core.reference.deleteDomain(req.principal, req.params.id);
        return noContent(reply);
      },
    );
  }
}
