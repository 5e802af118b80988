import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Core } from '../../core/index.ts';
import { invalid } from '../../errors.ts';
import { MAX_ID, errorResponses, notifications, notificationsSchema } from './envelope.ts';

interface AuthenticateBody {
  bof_ticket_user?: string;
  bof_ticket_pw?: string;
  api_key?: string;
  sso?: string;
  bof_sso_config_id?: number;
}

const successSchema = {
  type: 'object',
  properties: {
    status: { type: 'integer', example: 200 },
    statusMessage: { type: 'string', example: 'OK' },
    statusDetails: { type: 'object', properties: { Reason: { type: 'string', example: 'Authentication created.' } } },
    entity: { type: 'string', example: 'accesstoken' },
    jobid: { type: 'integer', example: 0 },
    notifications: notificationsSchema,
    data: {
      type: 'object',
      properties: {
        access_token: {
          type: 'string',
          description:
            'Send it on every other call as `Authorization: Bearer <token>` or `?access_token=<token>`, from the same IP address. It expires 24 h after issue, or sooner when unused for DECOY_ACCESS_TOKEN_IDLE_SECONDS (default 3600).',
        },
      },
    },
  },
} as const;

export default function authenticateRoutes(app: FastifyInstance, core: Core, opts: { documented: boolean; instance: boolean }) {
  app.post(
    '/authenticate',
    {
      config: { phishline: { public: true } },
      schema: {
        tags: ['phishline'],
        summary: 'Create an access token (PhishLine / Barracuda Security Awareness Training)',
        description:
          'For API users (`api_only`) only, with their password and an API key (not revoked, not expired, not bound to another user). `bof_ticket_user`, `bof_ticket_pw` and `api_key` are required. Wrong user or password: 401 `NotAuthenticated`; bad key: 401 `NotAuthorized` ("Authentication failure: Bad API Key."). Also served as `/{instance}/rest/authenticate` (instance: the client\'s slug).',
        hide: !opts.documented,
        security: [],
        body: {
          type: 'object',
          properties: {
            bof_ticket_user: { type: 'string', minLength: 1, maxLength: 320, description: 'The API user\'s e-mail address' },
            bof_ticket_pw: { type: 'string', minLength: 1, maxLength: 1024, description: 'The API user\'s password' },
            api_key: { type: 'string', minLength: 1, maxLength: 200, description: 'An API key (Lucy API: PUT /api/api-keys)' },
            sso: { type: 'string', enum: ['oauth2'], description: 'Optional; only `oauth2`. Decoy has no OAuth2/OIDC sign-in for this API yet: answered 400.' },
            bof_sso_config_id: { type: 'integer', minimum: 1, maximum: MAX_ID, description: 'Required with `sso`: the SSO configuration id' },
          },
        },
        response: { 200: successSchema, ...errorResponses },
      },
    },
    async (req: FastifyRequest<{ Body: AuthenticateBody; Params: { instance?: string } }>, reply: FastifyReply) => {
      const b = req.body;
      if (b.sso !== undefined || b.bof_sso_config_id !== undefined) {
        if (b.sso === undefined) throw invalid('sso: is required with bof_sso_config_id (the only valid value is oauth2)');
        if (b.bof_sso_config_id === undefined) throw invalid('bof_sso_config_id: is required when sso is set');
        throw invalid(`bof_sso_config_id: there is no SSO configuration ${b.bof_sso_config_id}: OAuth2/OIDC sign-in is not configured for this API; use bof_ticket_user, bof_ticket_pw and api_key`);
      }
      for (const field of ['bof_ticket_user', 'bof_ticket_pw', 'api_key'] as const) {
        if (b[field] === undefined) throw invalid(`${field}: is required`);
      }
      const issued = await core.accessTokens.authenticate({
        email: b.bof_ticket_user!,
        password: b.bof_ticket_pw!,
        apiKey: b.api_key!,
        ip: req.ip,
        instance: opts.instance ? (req.params.instance ?? '') : null,
      });
      reply.header('Cache-Control', 'no-store');
      return {
        status: 200,
        statusMessage: 'OK',
        statusDetails: { Reason: 'Authentication created.' },
        entity: 'accesstoken',
        jobid: 0,
        notifications: notifications({ caller: issued.caller, calls: issued.calls, limit: issued.limit }),
        data: { access_token: issued.token },
      };
    },
  );
}
