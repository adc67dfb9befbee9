import { afterAll, describe, expect, it } from 'vitest';
import { startProxy, type RunningProxy } from './server.js';

// Issue 24, S7: Redis down used to give 500 internal_error after 10–15 s, with /health "ok".
// Nothing listens on port 1: the shared state is unreachable from the start.
const DEAD_REDIS = 'redis://127.0.0.1:1';
const json = { 'content-type': 'application/json' };
const ask = JSON.stringify({ model: 'auto', messages: [{ role: 'user', content: 'Once upon a time' }], max_tokens: 4 });

describe('edge proxy with its Redis down', () => {
  const proxies: RunningProxy[] = [];
  afterAll(() => Promise.all(proxies.map((p) => p.close())));

  it('fails closed by default: 503 shared_state_unavailable with Retry-After, fast; /health says degraded', async () => {
    const proxy = await startProxy(0, { config: { redis_url: DEAD_REDIS, selector: null } });
    proxies.push(proxy);
    const started = Date.now();
    const response = await fetch(`${proxy.url}/v1/chat/completions`, { method: 'POST', headers: json, body: ask });
    expect(Date.now() - started).toBeLessThan(3_000);
    expect(response.status).toBe(503);
    expect(response.headers.get('retry-after')).toBe('2');
    expect(await response.json()).toMatchObject({ error: { code: 'shared_state_unavailable', type: 'server_error' } });
    const health = (await (await fetch(`${proxy.url}/health`)).json()) as { status: string; shared_state: string };
    expect(health).toMatchObject({ status: 'degraded', shared_state: 'unreachable' });
  });

  it('shared_state_failure "open": this process\'s own limits stand in, and the answer is given', async () => {
    const proxy = await startProxy(0, {
      config: { redis_url: DEAD_REDIS, shared_state_failure: 'open', selector: null },
    });
    proxies.push(proxy);
    const response = await fetch(`${proxy.url}/v1/chat/completions`, { method: 'POST', headers: json, body: ask });
    expect(response.status).toBe(200);
    expect(((await response.json()) as { choices: unknown[] }).choices).toHaveLength(1);
  });
});
