/**
 * Who sent a request to the tracking server: method, headers and the client address, resolved
 * through trusted proxies only (fastify's `req.ip` under DECOY_TRUSTED_PROXIES), with the proxy
 * it came through. One place for every route that records a hit.
 */
import type { FastifyRequest } from 'fastify';
import { normaliseIp } from '../core/access/access-tokens.ts';

export interface Sender {
  method: string;
  headers: FastifyRequest['headers'];
  ip: string;
  /** The trusted proxy the request came through; '' when it came directly. */
  proxyIp: string;
}

/** `::ffff:192.0.2.1` → `192.0.2.1` (core's normaliseIp); '' for none. */
export function plainIp(ip: string | undefined): string {
  return ip ? normaliseIp(ip) : '';
}

export function senderOf(req: FastifyRequest): Sender {
  const peer = plainIp(req.socket.remoteAddress);
  const ip = plainIp(req.ip);
  return { method: req.method, headers: req.headers, ip, proxyIp: peer !== ip ? peer : '' };
}
