import type { FastifyInstance } from 'fastify';
import type { Core } from '../../core/index.ts';

export default async function routes(app: FastifyInstance, core: Core) {
  app.get('/languages', async () => ({ languages: await core.database.db.selectFrom('languages').selectAll().orderBy('id').execute() }));
}
