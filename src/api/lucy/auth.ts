import type { FastifyInstance } from 'fastify';
import type { Core } from '../../core/index.ts';
import { errorResponses } from './plumbing.ts';

export default async function authRoutes(app: FastifyInstance, core: Core) {
  app.post<{ Body: { email: string; password: string } }>(
    '/auth',
    {
      config: { public: true },
      schema: {
        tags: ['auth'],
        summary: 'Sign in: returns a JWT for Authorization: Bearer',
        body: {
          type: 'object',
          required: ['email', 'password'],
          properties: { email: { type: 'string', minLength: 1, maxLength: 320 }, password: { type: 'string', minLength: 1, maxLength: 1024 } },
        },
        response: {
          200: {
            type: 'object',
            properties: {
              token: { type: 'string' },
              timezone: { type: 'string' },
              expire: { type: 'integer', description: 'Unix seconds; equals the token exp claim' },
            },
          },
          ...errorResponses,
        },
      },
    },
    async (req) => {
      const { token, expire, user } = await core.access.signIn(req.body.email, req.body.password, req.ip);
      const timezone = user.client_id ? (await core.clients.byId(user.client_id))?.timezone ?? 'UTC' : 'UTC';
      return { token, timezone, expire };
    },
  );
}
