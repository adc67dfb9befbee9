import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { Redis } from 'ioredis';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import OpenAI, { APIError } from 'openai';
import { hasRedisServer, startRedisServer } from './testing/redis-server.js';
import { DEFAULT_RECORDINGS } from './upstreams-from-config.js';
import { REPO_ROOT } from '../node/paths.js';

// Proxy processes sharing one Redis: the shared stores as deployed, several instances and node:cluster.
const redisAvailable = hasRedisServer();
let redis: Awaited<ReturnType<typeof startRedisServer>> | undefined;
beforeAll(async () => {
  if (redisAvailable) redis = await startRedisServer();
});
afterAll(async () => {
  await redis?.stop();
});

describe.skipIf(!redisAvailable)('two proxy processes sharing one Redis', () => {
  const children: ChildProcess[] = [];
  const urls: string[] = [];
  // Each proxy runs in its own process group (npx → tsx → node): stop the whole group.
  afterAll(() => {
    for (const c of children) {
      try {
        process.kill(-c.pid!, 'SIGTERM');
      } catch {
        /* already gone */
      }
      c.stdout?.destroy();
    }
  });
  beforeAll(async () => {
    const dir = mkdtempSync(join(tmpdir(), 'riskgate-proxy-'));
    const config = join(dir, 'proxy.json');
    // GPT-4 replays its recorded answer at $0.03 / 1k tokens: one answer spends the whole budget.
    writeFileSync(
      config,
      JSON.stringify({
        budget_usd_per_day: 0.001,
        rate_limit_per_minute: 1000,
        selector: null,
        models: [
          {
            kind: 'replay',
            id: 'gpt-4-1106-preview',
            recordings: DEFAULT_RECORDINGS,
            usd_per_1k_tokens: 0.03,
            replay_ttft_ms: 0,
            replay_tokens_per_s: 100000,
          },
        ],
      }),
    );
    for (let i = 0; i < 2; i++) {
      const child = spawn('npx', ['tsx', 'edge-proxy/server.ts'], {
        cwd: REPO_ROOT,
        env: { ...process.env, RISKGATE_CONFIG: config, PROXY_PORT: '0', REDIS_URL: redis!.url, LOG_LEVEL: 'silent' },
        stdio: ['ignore', 'pipe', 'inherit'],
        detached: true,
      });
      children.push(child);
      urls.push(
        await new Promise<string>((ok) =>
          child.stdout!.on('data', (d: Buffer) => {
            const m = /riskgate edge proxy: (http:\/\/\S+)/.exec(d.toString());
            if (m) ok(m[1]!);
          }),
        ),
      );
    }
  }, 60_000);

  it('a budget spent through one instance is spent for the other; an idempotency key answered by one is replayed by the other', async () => {
    const prompt = (JSON.parse(readFileSync(DEFAULT_RECORDINGS, 'utf8').split('\n')[0]!) as { prompt: string }).prompt;
    const [a, b] = urls.map((u) => new OpenAI({ baseURL: `${u}/v1`, apiKey: 'x', maxRetries: 0 }));
    const ask = { model: 'auto', messages: [{ role: 'user' as const, content: prompt }], max_tokens: 512 };
    const first = await a!.chat.completions.create(ask, { headers: { 'Idempotency-Key': 'shared-key-0001' } });
    expect(first.model).toBe('gpt-4-1106-preview');
    const replayed = await b!.chat.completions
      .create(ask, { headers: { 'Idempotency-Key': 'shared-key-0001' } })
      .withResponse();
    expect(replayed.response.headers.get('idempotent-replayed')).toBe('true');
    expect(replayed.data.choices[0]!.message.content).toBe(first.choices[0]!.message.content);
    const refused = await b!.chat.completions.create(ask).catch((e: unknown) => e as APIError);
    expect(refused).toBeInstanceOf(APIError);
    expect({ status: (refused as APIError).status, code: (refused as APIError).code }).toEqual({
      status: 429,
      code: 'budget_exceeded',
    });
  });
});

describe.skipIf(!redisAvailable)(
  'one proxy on all cores: PROXY_WORKERS processes behind one port (node:cluster)',
  () => {
    let child: ChildProcess;
    const workers = new Map<number, string>(); // pid → url
    let output = '';
    afterAll(() => {
      try {
        process.kill(-child.pid!, 'SIGTERM');
      } catch {
        /* already gone */
      }
      child.stdout?.destroy();
    });
    const workerCount = (n: number) =>
      new Promise<void>((ok) => {
        const check = () => {
          if (workers.size >= n) ok();
          else setTimeout(check, 50);
        };
        check();
      });
    beforeAll(async () => {
      // The tests above counted requests from this address in the same Redis: start from none.
      const client = new Redis(redis!.url);
      await client.flushall();
      client.disconnect();
      const dir = mkdtempSync(join(tmpdir(), 'riskgate-cluster-'));
      const config = join(dir, 'proxy.json');
      writeFileSync(
        config,
        JSON.stringify({
          rate_limit_per_minute: 6,
          selector: null,
          models: [
            {
              kind: 'replay',
              id: 'gpt-4-1106-preview',
              recordings: DEFAULT_RECORDINGS,
              usd_per_1k_tokens: 0.03,
              replay_ttft_ms: 0,
              replay_tokens_per_s: 100000,
            },
          ],
        }),
      );
      // A free port: cluster workers must all listen on the same, known one.
      const port = await new Promise<string>((ok) => {
        const probe = createServer().listen(0, '127.0.0.1', () => {
          const p = (probe.address() as { port: number }).port;
          probe.close(() => ok(String(p)));
        });
      });
      child = spawn('npx', ['tsx', 'edge-proxy/server.ts'], {
        cwd: REPO_ROOT,
        env: {
          ...process.env,
          RISKGATE_CONFIG: config,
          PROXY_PORT: port,
          PROXY_WORKERS: '2',
          REDIS_URL: redis!.url,
          LOG_LEVEL: 'silent',
        },
        stdio: ['ignore', 'pipe', 'pipe'],
        detached: true,
      });
      let partial = '';
      const read = (d: Buffer) => {
        output += d.toString();
        // Whole lines only: a chunk may end in the middle of one.
        const lines = (partial + d.toString()).split('\n');
        partial = lines.pop()!;
        for (const line of lines) {
          const m = /riskgate edge proxy worker (\d+): (http:\/\/\S+)/.exec(line);
          if (m) workers.set(Number(m[1]), m[2]!);
        }
      };
      child.stdout!.on('data', read);
      child.stderr!.on('data', read);
      await workerCount(2);
    }, 60_000);

    it('spreads connections over the workers, which share one rate limit through Redis', async () => {
      const url = [...workers.values()][0]!;
      const prompt = (JSON.parse(readFileSync(DEFAULT_RECORDINGS, 'utf8').split('\n')[0]!) as { prompt: string })
        .prompt;
      // The limit counts per clock minute: keep all ten requests inside one.
      const intoMinute = Date.now() % 60_000;
      if (intoMinute > 57_000) await new Promise((r) => setTimeout(r, 60_500 - intoMinute));
      // A new connection per request (cluster hands out connections round-robin).
      const statuses = await Promise.all(
        Array.from({ length: 10 }, () =>
          fetch(`${url}/v1/chat/completions`, {
            method: 'POST',
            headers: { 'content-type': 'application/json', connection: 'close' },
            body: JSON.stringify({ model: 'auto', max_tokens: 4, messages: [{ role: 'user', content: prompt }] }),
          }).then((r) => r.status),
        ),
      );
      // 6 per minute for this caller across both processes, not 6 each.
      expect(statuses.filter((s) => s === 200)).toHaveLength(6);
      expect(statuses.filter((s) => s === 429)).toHaveLength(4);
    });

    it('replaces a worker that dies; the port keeps answering', async () => {
      const [victim] = [...workers.keys()];
      const url = workers.get(victim!)!;
      workers.delete(victim!);
      process.kill(victim!, 'SIGKILL');
      // A connection the primary had already handed to the dead worker is lost (as behind any
      // load balancer): a client retries it. Within a few tries the survivor or the new worker answers.
      let answered = false;
      for (let attempt = 0; attempt < 10 && !answered; attempt++) {
        answered = await fetch(`${url}/health`, { signal: AbortSignal.timeout(2000) }).then(
          (r) => r.status === 200,
          () => false,
        );
      }
      expect(answered).toBe(true);
      await workerCount(2);
      expect(output).toMatch(new RegExp(`proxy worker ${victim} exited with .*; starting another`));
      expect([...workers.keys()]).not.toContain(victim);
    }, 120_000); // a new worker loads the proxy and its models: slow on a busy 2-core machine
  },
);
