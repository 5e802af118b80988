import type { FastifyInstance } from 'fastify';
import type { Core } from '../../core/index.ts';

export default async function routes(_app: FastifyInstance, _core: Core) {}
