/**
 * A worker whose lease runs out while it is still sending (a slow or rate-limited relay): another
 * worker claims the same victims and sends again. The duplicate send is the price of the lease;
 * the counters must still count each victim once.
 */
import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';
import { expect, it } from 'vitest';
import { wireSending } from '../src/mail/outbox-worker.ts';
import { createTestApp } from './helpers/app.ts';
import { buildCampaign, people, setStatus } from './helpers/campaign.ts';

it('counts a victim once when a second worker re-sends after the first one\'s lease ran out', async () => {
  let received = 0;
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['AUTH', 'STARTTLS'],
    disableReverseLookup: true,
    logger: false,
    onData(stream, _session, cb) {
      stream.on('data', () => {});
      stream.on('end', () => setTimeout(() => (received++, cb()), 40)); // a slow relay: 100 messages take ~2 s on 2 connections
    },
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const url = `smtp://127.0.0.1:${(server.server.address() as AddressInfo).port}?pool=2`;
  const t = await createTestApp({ DECOY_SMTP_URL: url });
  const first = wireSending(t.core, { outbox: { leaseMs: 300 } });
  const second = wireSending(t.core, { outbox: { leaseMs: 300 } });
  try {
    const a = await t.tenant();
    const built = await buildCampaign(t, a, { groups: [people(100, 'lease-')] });
    await setStatus(t, a.token, built.campaignId, 'running');
    const one = first.worker.runOnce();
    await new Promise((r) => setTimeout(r, 600)); // the first worker's lease has run out, it is still sending
    const two = second.worker.runOnce();
    expect([await one, await two]).toEqual([100, 100]);
    expect(received).toBe(200);
    const stats = (await t.call('GET', `/api/campaigns/${built.campaignId}/stats`, { token: a.token })).json();
    expect(stats).toMatchObject({ victims: 100, submitted: 100 });
  } finally {
    await first.close();
    await second.close();
    await t.close();
    server.close();
  }
});

it('caps the claimed batch at what a rate-limited relay sends in half a lease', async () => {
  const { batchSizeFor } = await import('../src/mail/outbox-worker.ts');
  expect(batchSizeFor(null, 120_000)).toBe(200);
  expect(batchSizeFor('smtp://127.0.0.1:2525', 120_000)).toBe(200);
  expect(batchSizeFor('smtp://127.0.0.1:2525?rate=1', 120_000)).toBe(60);
  expect(batchSizeFor('smtp://127.0.0.1:2525?rate=1', 10_000)).toBe(5);
  expect(batchSizeFor('smtp://127.0.0.1:2525?rate=1', 1_000)).toBe(1);
  const t = await createTestApp({ DECOY_SMTP_URL: 'smtp://127.0.0.1:2525?rate=2', DECOY_OUTBOX_LEASE_SECONDS: '30' });
  try {
    expect(t.sending.worker.opts.batchSize).toBe(30);
  } finally {
    await t.close();
  }
});
