/**
 * @module caller
 * Who is asking: a virtual key, a configured token, or a widget token signed with the shared
 * secret (its subject is the caller); with auth off, the client's address. Limits and budgets are
 * per caller, by the token's hash, so no raw secret is part of a store's key names (issue 24, S8).
 */
import type { MiddlewareHandler } from 'hono';
import type { Fail, Vars } from './app-context.js';
import { clientAddress } from './client-address.js';
import type { ProxyConfig } from './config.js';
import { openAiError } from './openai-error.js';
import { sha256Hex } from './read-body.js';
import type { createKeyring } from './virtual-keys.js';
import { verifyWidgetToken } from './widget-tokens.js';

export type CallerAuth = {
  readonly config: ProxyConfig;
  readonly keyring: ReturnType<typeof createKeyring>;
  readonly widgetTokenSecret: string | undefined;
  readonly clientAddress: ((env: unknown) => string | undefined) | undefined;
  readonly fail: Fail;
};

export const bearerOf = (header: string | undefined) => /^Bearer (.+)$/i.exec(header ?? '')?.[1];

export const authIsOn = (a: Pick<CallerAuth, 'config' | 'keyring' | 'widgetTokenSecret'>) =>
  a.config.tokens.length > 0 || a.keyring.size > 0 || a.widgetTokenSecret !== undefined;

export function identifyCaller(auth: CallerAuth): MiddlewareHandler<Vars> {
  const tokens = new Set(auth.config.tokens);
  const trusted = new Set(auth.config.trusted_proxies);
  const authOn = authIsOn(auth);
  return async (c, next) => {
    // Only JSON bodies: a text/plain POST is a "simple" cross-origin request that skips CORS preflight.
    if (c.req.method === 'POST' && !/^application\/json\b/i.test(c.req.header('content-type') ?? '')) {
      return auth.fail(openAiError('unsupported_media_type', 'send the body as application/json', 'content-type'));
    }
    const bearer = bearerOf(c.req.header('authorization'));
    const secret = auth.widgetTokenSecret;
    const key = bearer ? await auth.keyring.find(bearer) : undefined;
    const widgetSubject =
      authOn && bearer && !key && !tokens.has(bearer) && secret
        ? await verifyWidgetToken(bearer, secret, auth.config.widget_token_max_age_s)
        : undefined;
    if (authOn && (!bearer || (!key && !tokens.has(bearer) && widgetSubject === undefined))) {
      return auth.fail(openAiError('unauthorized', 'missing, unknown or expired bearer token'), {
        'www-authenticate': 'Bearer realm="riskgate"',
      });
    }
    // With auth off, per client address (client-address.ts: the right-most hop no trusted proxy added).
    const socket = auth.clientAddress?.(c.env) ?? 'unknown';
    const caller = key
      ? `key:${key.id}`
      : widgetSubject !== undefined
        ? `widget:${widgetSubject}`
        : authOn
          ? `token:${(await sha256Hex(bearer!)).slice(0, 32)}`
          : `addr:${clientAddress(socket, c.req.header('x-forwarded-for'), trusted)}`;
    c.set('caller', caller);
    c.set('key', key);
    return next();
  };
}
