/**
 * An SMTP sink for bench/mail-send.ts, run as a separate process (so that the sender and the
 * receiver do not share an event loop): accepts every message over plain SMTP on loopback and
 * discards it. Talks to its parent over IPC: sends `{ port }` when listening, answers
 * `'count'` with `{ count, cpuMs }` (messages received, by envelope recipient; its CPU time so far).
 *
 *   node --import tsx bench/smtp-sink.ts     (normally started by bench/mail-send.ts)
 */
import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';

let count = 0;
const server = new SMTPServer({
  logger: false,
  authOptional: true,
  disabledCommands: ['AUTH', 'STARTTLS'],
  maxClients: 1000,
  // Real relays look the client up; here it would only add a resolver round trip to every new connection.
  disableReverseLookup: true,
  onData(stream, session, callback) {
    stream.on('data', () => {});
    stream.on('end', () => {
      count += session.envelope.rcptTo.length;
      callback();
    });
  },
});
server.on('error', () => {});

server.listen(0, '127.0.0.1', () => {
  const port = (server.server.address() as AddressInfo).port;
  if (process.send) process.send({ port });
  else console.log(`listening on 127.0.0.1:${port}`);
});

process.on('message', (m) => {
  const cpu = process.cpuUsage();
  if (m === 'count') process.send?.({ count, cpuMs: (cpu.user + cpu.system) / 1000 });
  if (m === 'reset') {
    count = 0;
    process.send?.({ count, cpuMs: (cpu.user + cpu.system) / 1000 });
  }
  if (m === 'stop') server.close(() => process.exit(0));
});
process.on('disconnect', () => process.exit(0));
