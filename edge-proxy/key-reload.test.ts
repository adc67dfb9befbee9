import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../node/paths.js';
import { freePort } from '../testing/free-port.js';
import { startFakeOpenAiServer, type FakeOpenAiServer } from './testing/fake-openai-server.js';

// Issue 24, point 5: a config reload. SIGHUP re-reads the config file and swaps the virtual keys and
// the model aliases in the running process (single and cluster): a new key works and a removed one
// is refused without a restart, an alias moves to another model; a reload that is invalid (a key
// without its hash, an alias to a model not served) is refused and the old keys and aliases stay.
const sha = (key: string) => createHash('sha256').update(key).digest('hex');
const A = 'sk-team-a-0123456789abcdef';
const B = 'sk-team-b-0123456789abcdef';
let fake: FakeOpenAiServer;
beforeAll(async () => {
  fake = await startFakeOpenAiServer();
});
afterAll(() => fake.close());

const ask = (url: string, key: string) =>
  fetch(`${url}/v1/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
    body: JSON.stringify({ model: 'auto', messages: [{ role: 'user', content: 'Hi' }], max_tokens: 4 }),
  }).then((r) => r.status);

/** `npm run proxy` on a config file, in its own process, once /health answers; `stop` sends SIGTERM and waits. */
async function startProxyProcess(file: string, workers = '1') {
  const port = String(await freePort());
  const child = spawn(process.execPath, ['--import', 'tsx', 'edge-proxy/server.ts'], {
    cwd: REPO_ROOT,
    env: { ...process.env, RISKGATE_CONFIG: file, PROXY_PORT: port, PROXY_WORKERS: workers, LOG_LEVEL: 'silent' },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const url = `http://127.0.0.1:${port}`;
  const healthy = () =>
    fetch(`${url}/health`).then(
      (r) => r.ok,
      () => false,
    );
  const stop = async () => {
    child.kill('SIGTERM');
    await new Promise((r) => child.once('exit', r));
  };
  try {
    await expect.poll(healthy, { timeout: 30_000 }).toBe(true);
  } catch (error) {
    await stop();
    throw error;
  }
  return { url, reload: () => child.kill('SIGHUP'), stop };
}

describe('SIGHUP reloads the virtual keys', () => {
  for (const workers of ['1', '2']) {
    it(`PROXY_WORKERS=${workers}: an added key works, a removed one is refused, an invalid reload keeps the old keys`, async () => {
      const dir = mkdtempSync(join(tmpdir(), 'riskgate-reload-'));
      const file = join(dir, 'proxy.json');
      const write = (keys: object[]) =>
        writeFileSync(
          file,
          JSON.stringify({ selector: null, keys, models: [{ kind: 'openai', id: 'remote', base_url: fake.url }] }),
        );
      write([{ id: 'team-a', sha256: sha(A) }]);
      const proxy = await startProxyProcess(file, workers);
      const { url } = proxy;
      try {
        // Every worker answers (a cluster spreads connections): ask a few times each step.
        const all = async (key: string) => new Set(await Promise.all([1, 2, 3, 4].map(() => ask(url, key))));
        expect(await all(A)).toEqual(new Set([200]));
        expect(await all(B)).toEqual(new Set([401]));

        write([
          { id: 'team-a', sha256: sha(A) },
          { id: 'team-b', sha256: sha(B) },
        ]);
        proxy.reload();
        await expect.poll(() => all(B), { timeout: 10_000 }).toEqual(new Set([200]));

        write([{ id: 'team-b', sha256: sha(B) }]);
        proxy.reload();
        await expect.poll(() => all(A), { timeout: 10_000 }).toEqual(new Set([401]));

        // Invalid (not JSON the schema accepts): refused, B still works.
        writeFileSync(file, '{"keys": [{"id": "x"}]}');
        proxy.reload();
        await new Promise((r) => setTimeout(r, 500));
        expect(await all(B)).toEqual(new Set([200]));
      } finally {
        await proxy.stop();
      }
    }, 60_000);
  }

  it('an alias moves to another served model; an alias to a model not served is refused and the old one stays', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'riskgate-reload-'));
    const file = join(dir, 'proxy.json');
    const models = ['remote-a', 'remote-b'].map((id) => ({ kind: 'openai', id, base_url: fake.url }));
    const write = (aliases: Record<string, string>) =>
      writeFileSync(
        file,
        JSON.stringify({ selector: null, keys: [{ id: 'team-a', sha256: sha(A) }], models, model_aliases: aliases }),
      );
    write({ fast: 'remote-a' });
    const proxy = await startProxyProcess(file);
    const { url } = proxy;
    const servedBy = () =>
      fetch(`${url}/v1/chat/completions`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${A}` },
        body: JSON.stringify({ model: 'fast', messages: [{ role: 'user', content: 'Hi' }], max_tokens: 4 }),
      }).then((r) => `${r.status} ${r.headers.get('x-router-served-by')}`);
    try {
      expect(await servedBy()).toBe('200 remote-a');
      write({ fast: 'remote-b' });
      proxy.reload();
      await expect.poll(servedBy, { timeout: 10_000 }).toBe('200 remote-b');
      write({ fast: 'remote-c' }); // not served: the whole reload is refused
      proxy.reload();
      await new Promise((r) => setTimeout(r, 500));
      expect(await servedBy()).toBe('200 remote-b');
    } finally {
      await proxy.stop();
    }
  }, 60_000);
});
