import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startProxy } from './server.js';
import { startFakeOpenAiServer, type FakeOpenAiServer } from './testing/fake-openai-server.js';

// Issue 24: SIGTERM used to cut every open stream (50 of 50). A drain stops taking answers, lets
// open ones finish until its deadline, then ends the rest with an error event and [DONE].
const json = { 'content-type': 'application/json' };
const ask = JSON.stringify({ model: 'auto', messages: [{ role: 'user', content: 'Hi' }], max_tokens: 8, stream: true });
let fake: FakeOpenAiServer;
beforeAll(async () => {
  fake = await startFakeOpenAiServer({ slowFirstTokenMs: 800 });
});
afterAll(() => fake.close());

const proxyOn = () =>
  startProxy(0, {
    config: {
      keepalive_ms: 50,
      first_byte_timeout_ms: 20_000,
      upstream_timeout_ms: 20_000,
      models: [
        {
          kind: 'openai' as const,
          id: 'remote',
          base_url: fake.url,
          upstream_model: 'remote',
          prior_quality: 0.5,
          usd_per_1k_tokens: 0,
          prior_ttft_ms: 50,
          prior_tokens_per_s: 50,
        },
      ],
    },
  });

describe('edge proxy: graceful drain', () => {
  it('open streams finish within the deadline; a new request meanwhile gets 503 with Retry-After', async () => {
    fake.behaviour = 'slow_first_token';
    // Every open answer watches the drain's deadline: with one AbortSignal for all of them, the
    // 11th open answer made Node warn of a listener leak in the operator's log.
    const warnings: string[] = [];
    const onWarning = (w: Error) => warnings.push(w.name);
    process.on('warning', onWarning);
    const proxy = await proxyOn();
    const streams = await Promise.all(
      Array.from({ length: 20 }, () =>
        fetch(`${proxy.url}/v1/chat/completions`, { method: 'POST', headers: json, body: ask }),
      ),
    );
    expect(streams.every((s) => s.status === 200)).toBe(true);
    const bodies = streams.map((s) => s.text());
    const drained = proxy.drain!(5_000);
    // The listener is closed for new connections; a request on a new connection is refused.
    const late = await fetch(`${proxy.url}/v1/chat/completions`, { method: 'POST', headers: json, body: ask }).catch(
      () => 'refused',
    );
    if (typeof late !== 'string') expect(late.status).toBe(503);
    const texts = await Promise.all(bodies);
    await drained;
    process.off('warning', onWarning);
    expect(warnings).not.toContain('MaxListenersExceededWarning');
    for (const text of texts) {
      expect(text).toContain('Paris');
      expect(text.trimEnd().endsWith('data: [DONE]')).toBe(true);
      expect(text).not.toContain('"error"');
    }
  });

  it('at the deadline the streams still open end with an error event and [DONE], not a cut connection', async () => {
    fake.behaviour = 'hang';
    const proxy = await proxyOn();
    const streams = await Promise.all(
      Array.from({ length: 5 }, () =>
        fetch(`${proxy.url}/v1/chat/completions`, { method: 'POST', headers: json, body: ask }),
      ),
    );
    const bodies = streams.map((s) => s.text());
    const started = Date.now();
    await proxy.drain!(300);
    expect(Date.now() - started).toBeLessThan(5_000);
    for (const text of await Promise.all(bodies)) {
      expect(text).toMatch(/"code":"overloaded"/);
      expect(text).toContain('restarting');
      expect(text.trimEnd().endsWith('data: [DONE]')).toBe(true);
    }
    fake.behaviour = 'ok';
  });
});

describe('edge proxy process: SIGTERM drains, single process and cluster', () => {
  for (const workers of ['1', '2']) {
    it(`PROXY_WORKERS=${workers}: streams open at SIGTERM finish with their answer and [DONE]; the process exits 0`, async () => {
      const { spawn } = await import('node:child_process');
      const { mkdtempSync, writeFileSync } = await import('node:fs');
      const { tmpdir } = await import('node:os');
      const { join } = await import('node:path');
      const { REPO_ROOT } = await import('../node/paths.js');
      fake.behaviour = 'slow_first_token';
      const dir = mkdtempSync(join(tmpdir(), 'riskgate-drain-'));
      const config = join(dir, 'proxy.json');
      const { freePort } = await import('../testing/free-port.js');
      const port = String(await freePort());
      writeFileSync(
        config,
        JSON.stringify({
          keepalive_ms: 50,
          selector: null,
          models: [{ kind: 'openai', id: 'remote', base_url: fake.url }],
        }),
      );
      // node itself (not npx → tsx → node), so the signal reaches the proxy as a process manager sends it.
      const child = spawn(process.execPath, ['--import', 'tsx', 'edge-proxy/server.ts'], {
        cwd: REPO_ROOT,
        env: { ...process.env, RISKGATE_CONFIG: config, PROXY_PORT: port, PROXY_WORKERS: workers, LOG_LEVEL: 'silent' },
        stdio: ['ignore', 'pipe', 'inherit'],
      });
      const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
      const url = `http://127.0.0.1:${port}`;
      let exitedEarly = false;
      void exited.then(() => {
        exitedEarly = true;
      });
      for (let i = 0; ; i++) {
        const up = await fetch(`${url}/health`).then(
          (r) => r.ok,
          () => false,
        );
        if (up) break;
        if (exitedEarly) throw new Error('the proxy exited before it answered /health (its error is above)');
        if (i > 200) throw new Error('the proxy did not start');
        await new Promise((r) => setTimeout(r, 100));
      }
      const streams = await Promise.all(
        Array.from({ length: 10 }, () =>
          fetch(`${url}/v1/chat/completions`, { method: 'POST', headers: json, body: ask }),
        ),
      );
      const bodies = streams.map((s) => s.text());
      child.kill('SIGTERM');
      for (const text of await Promise.all(bodies)) {
        expect(text).toContain('Paris');
        expect(text.trimEnd().endsWith('data: [DONE]')).toBe(true);
      }
      expect(await exited).toBe(0);
      fake.behaviour = 'ok';
    }, 60_000);
  }
});
