/**
 * Campaign mail throughput: messages rendered with src/mail/render.ts (compiled once, values
 * substituted per recipient, sent as `raw`) through src/mail/transport.ts (nodemailer's pool,
 * Nagle off) to an SMTP sink in another process (bench/smtp-sink.ts), in batches of 1,000 the
 * way the outbox worker hands them over. Every message is counted at the sink.
 *
 * Printed with ratios to baselines run in the same process against the same sink:
 *   1. the same pipeline with Nagle's algorithm left on (setNoDelay defeated on the pool's sockets);
 *   2. nodemailer's own sendMail per message ({from, to, subject, html, text}: MIME built by
 *      nodemailer for every message), over the same pool;
 *   3. "bare" nodemailer: a default transport (no pool: one connection per message), sendMail
 *      per message, one after the other.
 * The slow baselines run fewer messages (their rate does not depend on the count); a count of 0
 * (NAGLE_MESSAGES=0, MIME_MESSAGES=0, BARE_MESSAGES=0) skips that baseline.
 *
 *   node --import tsx bench/mail-send.ts
 *   MESSAGES=100000 POOL=5 node --import tsx bench/mail-send.ts
 */
import { fork, type ChildProcess } from 'node:child_process';
import net from 'node:net';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import nodemailer from 'nodemailer';
import { compileMessage, render, type MessageTemplate } from '../src/mail/render.ts';
import { createSmtpMailer, type OutgoingMessage } from '../src/mail/transport.ts';

const MESSAGES = Number(process.env.MESSAGES ?? 20_000);
const POOL = Number(process.env.POOL ?? 5);
const BATCH = 1000;
const NAGLE_MESSAGES = Number(process.env.NAGLE_MESSAGES ?? 1_000);
const MIME_MESSAGES = Number(process.env.MIME_MESSAGES ?? 5_000);
const BARE_MESSAGES = Number(process.env.BARE_MESSAGES ?? 200);

const here = path.dirname(fileURLToPath(import.meta.url));

// A realistic lure: ~4 KB of HTML with a table layout, a link, a footer; umlauts in subject and body.
const paragraph =
  '<tr><td style="padding:12px 24px;font-family:Arial,Helvetica,sans-serif;font-size:14px;line-height:20px;color:#333333">' +
  'Sehr geehrte Kundin, sehr geehrter Kunde, für Ihr Konto liegt eine neue Rechnung vor. Bitte prüfen Sie die Positionen ' +
  'und begleichen Sie den offenen Betrag innerhalb von 14 Tagen. Bei Fragen wenden Sie sich an unsere Buchhaltung.</td></tr>\n';
const template: MessageTemplate = {
  subject: 'Ihre Rechnung für März – Kundennummer {{custom.Kundennummer}}',
  html:
    '<!DOCTYPE html>\n<html><head><meta charset="utf-8"><title>Rechnung</title></head><body style="margin:0;background:#f4f4f4">\n' +
    '<table role="presentation" width="100%" cellpadding="0" cellspacing="0" style="max-width:600px;margin:0 auto;background:#ffffff">\n' +
    '<tr><td style="padding:24px;font-family:Arial,Helvetica,sans-serif;font-size:16px">Guten Tag {{firstname}} {{lastname}},</td></tr>\n' +
    paragraph.repeat(8) +
    '<tr><td style="padding:24px"><a href="{{link}}" style="background:#0052cc;color:#ffffff;padding:12px 20px;text-decoration:none;border-radius:4px">Rechnung ansehen</a></td></tr>\n' +
    '<tr><td style="padding:24px;font-size:11px;color:#888888">{{company}} · {{location}} · Diese Nachricht wurde automatisch erstellt.</td></tr>\n' +
    '</table>{{pixel}}</body></html>\n',
  text: 'Guten Tag {{firstname}} {{lastname}},\n\nfür Ihr Konto liegt eine neue Rechnung vor:\n{{link}}\n\n{{company}}\n',
  senderName: 'Buchhaltung Müller AG',
  senderEmail: 'rechnung@billing.example',
  trackOpens: true,
};

function vars(i: number) {
  return {
    firstname: `Vorname${i}`,
    lastname: `Nachname${i}`,
    company: 'Beispiel AG',
    location: 'Zürich',
    link: `https://track.example/c/${i.toString(36).padStart(22, 'x')}`,
    'custom.Kundennummer': String(100000 + i),
  };
}

function renderBatch(compiled: ReturnType<typeof compileMessage>, from: number, count: number): OutgoingMessage[] {
  const out: OutgoingMessage[] = [];
  for (let i = from; i < from + count; i++) {
    const m = render(compiled, {
      to: { email: `person${i}@example.com`, name: `Vorname${i} Nachname${i}` },
      vars: vars(i),
      pixelUrl: `https://track.example/o/${i.toString(36).padStart(22, 'x')}`,
    });
    out.push({ ...m, meta: { clientId: 1, campaignId: 1, victimId: i, messageType: 'attack' } });
  }
  return out;
}

interface Sink {
  port: number;
  count(): Promise<number>;
  /** Zeroes the count; resolves with the sink's CPU time so far (ms). */
  reset(): Promise<number>;
  /** The sink's CPU time so far (ms). */
  cpuMs(): Promise<number>;
  stop(): void;
}

async function startSink(): Promise<Sink> {
  const child: ChildProcess = fork(path.join(here, 'smtp-sink.ts'), [], { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const ask = (msg: string) =>
    new Promise<{ count: number; cpuMs: number }>((resolve) => {
      child.once('message', (m: any) => resolve(m));
      child.send(msg);
    });
  const port = await new Promise<number>((resolve, reject) => {
    child.once('message', (m: any) => resolve(m.port));
    child.once('exit', (code) => reject(new Error(`sink exited with ${code}`)));
  });
  return {
    port,
    count: async () => (await ask('count')).count,
    reset: async () => (await ask('reset')).cpuMs,
    cpuMs: async () => (await ask('count')).cpuMs,
    stop: () => child.kill(),
  };
}

/** Opens the pool's sockets itself and keeps Nagle on (nodemailer would turn it off). */
const nagleSocket = (options: any, callback: (err: Error | null, s?: { connection: net.Socket }) => void) => {
  const socket = net.connect({ host: options.host, port: options.port });
  socket.once('error', (err) => callback(err));
  socket.once('connect', () => {
    socket.setNoDelay(false);
    socket.setNoDelay = () => socket;
    callback(null, { connection: socket });
  });
};

async function decoyRun(sink: Sink, count: number, getSocket?: typeof nagleSocket) {
  const mailer = createSmtpMailer(`smtp://127.0.0.1:${sink.port}?pool=${POOL}`, getSocket ? { getSocket } : {});
  const compiled = compileMessage(template);
  const sinkCpu0 = await sink.reset();
  const cpu0 = process.cpuUsage();
  let failed = 0;
  let renderMs = 0;
  const t0 = performance.now();
  for (let from = 0; from < count; from += BATCH) {
    const r0 = performance.now();
    const batch = renderBatch(compiled, from, Math.min(BATCH, count - from));
    renderMs += performance.now() - r0;
    const outcomes = await mailer.sendMany(batch);
    failed += outcomes.filter((o) => !o.ok).length;
  }
  const seconds = (performance.now() - t0) / 1000;
  const cpu = process.cpuUsage(cpu0);
  const sinkCpu = (await sink.cpuMs()) - sinkCpu0;
  await mailer.close();
  const received = await sink.count();
  return { rate: count / seconds, seconds, renderMs, failed, received, senderCpu: (cpu.user + cpu.system) / 1e6, sinkCpu: sinkCpu / 1000 };
}

function naiveMessage(i: number) {
  const v = vars(i) as Record<string, string>;
  const sub = (s: string) => s.replace(/\{\{\s*([\w.]+)\s*\}\}/g, (_, k: string) => (k === 'pixel' ? `<img src="https://track.example/o/${i}" width="1" height="1">` : (v[k] ?? '')));
  return {
    from: { name: template.senderName, address: template.senderEmail },
    to: { name: `Vorname${i} Nachname${i}`, address: `person${i}@example.com` },
    subject: sub(template.subject),
    html: sub(template.html),
    text: sub(template.text),
  };
}

async function nodemailerRun(sink: Sink, count: number, pooled: boolean) {
  const transporter = nodemailer.createTransport(
    pooled
      ? { pool: true, host: '127.0.0.1', port: sink.port, maxConnections: POOL, maxMessages: Infinity, secure: false, ignoreTLS: true }
      : { host: '127.0.0.1', port: sink.port, secure: false, ignoreTLS: true },
  );
  await sink.reset();
  let failed = 0;
  const t0 = performance.now();
  if (pooled) {
    for (let from = 0; from < count; from += BATCH) {
      const batch = [];
      for (let i = from; i < Math.min(from + BATCH, count); i++) batch.push(transporter.sendMail(naiveMessage(i)).catch(() => failed++));
      await Promise.all(batch);
    }
  } else {
    for (let i = 0; i < count; i++) await transporter.sendMail(naiveMessage(i)).catch(() => failed++);
  }
  const seconds = (performance.now() - t0) / 1000;
  transporter.close();
  return { rate: count / seconds, seconds, failed, received: await sink.count() };
}

const fmt = (n: number) => Math.round(n).toLocaleString('en-US');

async function main() {
  const sink = await startSink();
  try {
    // Warm-up (JIT, connections) so the first measured run is not penalised.
    await decoyRun(sink, 2000);

    const decoy = await decoyRun(sink, MESSAGES);
    console.log(
      `decoy (render + raw over pool of ${POOL}, Nagle off): ${fmt(MESSAGES)} messages in ${decoy.seconds.toFixed(2)} s = ${fmt(decoy.rate)} msg/s ` +
        `(rendering ${(decoy.renderMs / 1000).toFixed(2)} s of it, ${fmt(MESSAGES / (decoy.renderMs / 1000))} renders/s); ` +
        `failed ${decoy.failed}, received by the sink ${fmt(decoy.received)}; CPU: sender ${decoy.senderCpu.toFixed(1)} s, sink ${decoy.sinkCpu.toFixed(1)} s`,
    );
    if (decoy.received !== MESSAGES || decoy.failed) throw new Error('not every message arrived');

    const skip = { rate: NaN, seconds: 0, received: 0 };
    const nagle = NAGLE_MESSAGES ? await decoyRun(sink, NAGLE_MESSAGES, nagleSocket) : skip;
    console.log(`baseline 1, same with Nagle on:            ${fmt(NAGLE_MESSAGES)} messages in ${nagle.seconds.toFixed(2)} s = ${fmt(nagle.rate)} msg/s (received ${fmt(nagle.received)})`);

    const mime = MIME_MESSAGES ? await nodemailerRun(sink, MIME_MESSAGES, true) : skip;
    console.log(`baseline 2, nodemailer sendMail (MIME per message, same pool): ${fmt(MIME_MESSAGES)} in ${mime.seconds.toFixed(2)} s = ${fmt(mime.rate)} msg/s (received ${fmt(mime.received)})`);

    const bare = BARE_MESSAGES ? await nodemailerRun(sink, BARE_MESSAGES, false) : skip;
    console.log(`baseline 3, bare nodemailer sendMail (no pool, one at a time): ${fmt(BARE_MESSAGES)} in ${bare.seconds.toFixed(2)} s = ${fmt(bare.rate)} msg/s (received ${fmt(bare.received)})`);

    console.log('');
    console.log(`decoy: ${fmt(decoy.rate)} msg/s (target >= 1,000)`);
    console.log(`ratio to Nagle on (setNoDelay off):           ${(decoy.rate / nagle.rate).toFixed(1)}x`);
    console.log(`ratio to nodemailer sendMail over the pool:   ${(decoy.rate / mime.rate).toFixed(1)}x`);
    console.log(`ratio to bare nodemailer sendMail, no pool:   ${(decoy.rate / bare.rate).toFixed(1)}x`);
  } finally {
    sink.stop();
  }
}

await main();
