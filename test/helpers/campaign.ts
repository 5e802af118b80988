/** Builds a ready-to-start campaign through the Lucy API, as a security team would. */
import { expect } from 'vitest';
import type { TestApp } from './app.ts';

export interface Person {
  email: string;
  name: string;
  phone?: string;
}

export interface BuiltCampaign {
  campaignId: number;
  scenarioId: number;
  groupIds: number[];
}

export async function builtInTemplate(t: TestApp, token: string, type: 'hyperlink' | 'data' | 'file'): Promise<number> {
  const res = await t.call('GET', `/api/scenario-templates?type=${type}&builtin=true&limit=1`, { token });
  expect(res.statusCode).toBe(200);
  return res.json().scenario_templates[0].id;
}

export async function buildCampaign(
  t: TestApp,
  a: { clientId: number; token: string },
  opts: { groups: Person[][]; type?: 'hyperlink' | 'data' | 'file'; scenario?: Record<string, unknown>; campaign?: Record<string, unknown> },
): Promise<BuiltCampaign> {
  const { token } = a;
  const groupIds: number[] = [];
  for (const [i, people] of opts.groups.entries()) {
    const g = await t.call('PUT', '/api/recipient-groups', { token, body: { name: `Group ${i + 1}`, usb_attack: false } });
    expect(g.statusCode).toBe(200);
    const id = g.json().recipient_group.id;
    const r = await t.call('PUT', `/api/recipient-groups/${id}/recipients`, { token, body: people });
    expect(r.statusCode, r.body).toBe(200);
    groupIds.push(id);
  }
  const c = await t.call('PUT', '/api/campaigns', { token, body: { name: 'Quarterly test', client_id: a.clientId, ...(opts.campaign ?? {}) } });
  expect(c.statusCode, c.body).toBe(200);
  const campaignId = c.json().campaign.id;
  const templateId = await builtInTemplate(t, token, opts.type ?? 'hyperlink');
  const s = await t.call('PUT', `/api/campaigns/${campaignId}/scenarios`, {
    token,
    body: { name: 'Scenario', domain: 'login.example-corp.test', language_id: 1, scenario_template_id: templateId, ...(opts.scenario ?? {}) },
  });
  expect(s.statusCode, s.body).toBe(200);
  for (const id of groupIds) {
    const add = await t.call('PUT', `/api/campaigns/${campaignId}/recipient-groups`, { token, body: { id } });
    expect(add.statusCode, add.body).toBe(200);
  }
  return { campaignId, scenarioId: s.json().scenario.id, groupIds };
}

export async function setStatus(t: TestApp, token: string, campaignId: number, status: string) {
  const res = await t.call('POST', `/api/campaigns/${campaignId}/status`, { token, body: { status } });
  expect(res.statusCode, res.body).toBe(200);
  return res.json().campaign;
}

export async function drain(t: TestApp, rounds = 20): Promise<void> {
  for (let i = 0; i < rounds; i++) if ((await t.sending.worker.runOnce()) === 0) return;
}

export function people(n: number, prefix = 'person'): Person[] {
  return Array.from({ length: n }, (_, i) => ({ email: `${prefix}${i}@example-corp.test`, name: `${prefix} ${i}`, phone: `+4179000${String(i).padStart(4, '0')}` }));
}
