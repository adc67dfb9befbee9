import { describe, expect, it } from 'vitest';
import { createProxyApp } from './app.js';
import { checkWidgetSecret, mintWidgetToken, verifyWidgetToken } from './widget-tokens.js';
import { describeAuth } from './server.js';
import { parseConfig } from './config.js';

// Issue 24, S9 and S11.
const SECRET = 'a-widget-secret-that-is-long-enough-0123456789';

describe('widget tokens: a secret worth the name and sessions, not passwords (S9)', () => {
  it('refuses a secret under 32 bytes', () => {
    expect(() => checkWidgetSecret('x')).toThrow(/at least 32/);
    expect(() => checkWidgetSecret(SECRET)).not.toThrow();
  });

  it('refuses a token issued for longer than the maximum lifetime, accepts a short one', async () => {
    const decade = await mintWidgetToken(SECRET, { subject: 'v', ttlSeconds: 10 * 365 * 86_400 });
    expect(await verifyWidgetToken(decade, SECRET, 3600)).toBeUndefined();
    const session = await mintWidgetToken(SECRET, { subject: 'v', ttlSeconds: 600 });
    expect(await verifyWidgetToken(session, SECRET, 3600)).toBe('v');
  });

  it('with only the widget secret set, startup says auth is on, not OFF', () => {
    const line = describeAuth(parseConfig({ widget_token_secret_env: 'RISKGATE_WIDGET_SECRET' }));
    expect(line).toMatch(/widget tokens signed with \$RISKGATE_WIDGET_SECRET/);
    expect(line).not.toMatch(/OFF/);
  });
});

describe('/metrics and /health details are for operators (S11)', () => {
  const get = (app: ReturnType<typeof createProxyApp>, path: string, token?: string) =>
    app.request(path, token ? { headers: { authorization: `Bearer ${token}` } } : {});

  it('with auth on and no metrics token: /metrics 401, /health says only its status', async () => {
    const app = createProxyApp({ config: { tokens: ['client-token-1'] }, candidates: [] });
    expect((await get(app, '/metrics')).status).toBe(401);
    expect((await get(app, '/metrics', 'client-token-1')).status).toBe(401); // a client token is not an operator's
    expect(await (await get(app, '/health')).json()).toEqual({ status: 'ok' });
  });

  it('with a metrics token: it opens both, nothing else does', async () => {
    const app = createProxyApp({
      config: { tokens: ['client-token-1'] },
      candidates: [],
      metricsToken: 'operator-token-1',
    });
    expect((await get(app, '/metrics', 'operator-token-1')).status).toBe(200);
    expect(await (await get(app, '/health', 'operator-token-1')).json()).toMatchObject({
      status: 'ok',
      auth: 'bearer',
      upstreams: [],
    });
    expect(await (await get(app, '/health')).json()).toEqual({ status: 'ok' });
  });

  it('a loopback demo with auth off keeps both open', async () => {
    const app = createProxyApp({ config: {}, candidates: [] });
    expect((await get(app, '/metrics')).status).toBe(200);
    expect(await (await get(app, '/health')).json()).toMatchObject({ auth: 'off', shared_state: 'memory' });
  });
});
