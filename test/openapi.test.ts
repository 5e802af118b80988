import { afterAll, beforeAll, expect, it } from 'vitest';
import { createTestApp, type TestApp } from './helpers/app.ts';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(async () => t?.close());

it('serves the OpenAPI document at /api/docs with every API route in it', async () => {
  const ui = await t.call('GET', '/api/docs');
  expect([200, 302]).toContain(ui.statusCode);
  const res = await t.call('GET', '/api/docs/json');
  expect(res.statusCode).toBe(200);
  const doc = res.json();
  expect(doc.openapi).toMatch(/^3\./);
  const documented = new Set<string>();
  for (const [path, ops] of Object.entries<Record<string, unknown>>(doc.paths)) {
    for (const method of Object.keys(ops)) documented.add(`${method.toUpperCase()} ${path}`);
  }
  const apiRoutes = t.routes.filter((r) => r.url.startsWith('/api/') && !r.url.startsWith('/api/docs') && r.method !== 'HEAD');
  expect(apiRoutes.length).toBeGreaterThan(10);
  const missing = apiRoutes
    .map((r) => `${r.method} ${r.url.replace(/:([a-z_]+)/g, '{$1}')}`)
    .filter((k) => !documented.has(k));
  expect(missing).toEqual([]);
  // Every API route validates its input: a request schema for each part it takes.
  const unvalidated = apiRoutes.filter((r) => (r.url.includes(':') && !r.schema?.params) || ((r.method === 'PUT' || r.method === 'POST') && !r.schema?.body && !/\/(copy|approve)$/.test(r.url) && !/re-send/.test(r.url)));
  expect(unvalidated.map((r) => `${r.method} ${r.url}`)).toEqual([]);
});
