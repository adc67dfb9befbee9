import { describe, expect, it } from 'vitest';
import { mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build } from 'vite';
import { REPO_ROOT } from '../node/paths.js';
import { createProxyApp } from './app.js';
import { loadConfig } from './server.js';
import { candidatesFromConfig } from './upstreams-from-config.js';

const PROVIDER_KEY = 'sk-riskgate-test-SECRET-0f9a8b7c6d';
const BEARER = 'bearer-riskgate-test-SECRET-1a2b3c';

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? filesUnder(path) : [path];
  });
}

describe('provider keys never reach a browser', () => {
  const dir = mkdtempSync(join(tmpdir(), 'riskgate-secrets-'));
  const configPath = join(dir, 'proxy.json');
  writeFileSync(
    configPath,
    JSON.stringify({
      tokens: [BEARER],
      models: [
        { kind: 'openai', id: 'hosted', base_url: 'http://127.0.0.1:9/v1', api_key: PROVIDER_KEY },
        { kind: 'embedded', id: 'stories260K' },
      ],
    }),
  );

  it('the web bundle built with a secret config in the environment contains neither key', async () => {
    const outDir = join(dir, 'dist');
    process.env.RISKGATE_CONFIG = configPath;
    try {
      await build({ root: REPO_ROOT, logLevel: 'silent', build: { outDir, emptyOutDir: true, copyPublicDir: false } });
    } finally {
      delete process.env.RISKGATE_CONFIG;
    }
    const files = filesUnder(outDir);
    expect(files.some((f) => f.endsWith('.js'))).toBe(true);
    for (const file of files) {
      const text = readFileSync(file, 'latin1');
      expect(text.includes(PROVIDER_KEY), file).toBe(false);
      expect(text.includes(BEARER), file).toBe(false);
    }
  }, 120_000);

  it('no proxy endpoint a browser can call echoes a configured key', async () => {
    const { config } = loadConfig({ RISKGATE_CONFIG: configPath });
    const app = createProxyApp({ config, candidates: candidatesFromConfig(config.models) });
    const auth = { authorization: `Bearer ${BEARER}` };
    for (const path of ['/health', '/v1/models', '/metrics', '/nope']) {
      const text = await (await app.fetch(new Request(`http://proxy${path}`, { headers: auth }))).text();
      expect(text.includes(PROVIDER_KEY), path).toBe(false);
    }
    const failed = await app.fetch(
      new Request('http://proxy/v1/chat/completions', {
        method: 'POST',
        headers: { ...auth, 'content-type': 'application/json' },
        body: JSON.stringify({ model: 'hosted', messages: [{ role: 'user', content: 'hi' }] }),
      }),
    );
    expect(failed.status).toBe(502);
    expect((await failed.text()).includes(PROVIDER_KEY)).toBe(false);
  });
});
