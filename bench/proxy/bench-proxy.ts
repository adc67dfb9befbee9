/**
 * @module bench/bench-proxy
 * `npm run bench:proxy`: what the proxy adds on loopback, fairly. The canned OpenAI-compatible
 * upstream, the proxy and autocannon (the load generator) each run in their own process, so none
 * shares an event loop with another. Direct vs through the proxy, non-stream and stream: p50/p99 latency with one connection, req/s with 32 connections, and 500 concurrent
 * streams for 20 s (errors, requests unanswered within 10 s, p50/p99), with the proxy process's
 * peak RSS. The same loads through `floor-relay.ts`, the least a Node relay does, say how much of
 * the proxy's cost is Node's own. Prints the figures and writes bench-results/proxy.json.
 */
import { spawn } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { availableParallelism, loadavg } from 'node:os';
import { createInterface } from 'node:readline';
import { createRequire } from 'node:module';
import { REPO_ROOT } from '../../node/paths.js';

const DURATION_S = Number(process.env.BENCH_DURATION_S ?? 10);
const STREAMS_S = Number(process.env.BENCH_STREAMS_S ?? 20);
// Node itself (not npx) so that kill() reaches the server process.
const server = async (role: 'upstream' | 'proxy' | 'floor', env: Record<string, string> = {}) => {
  const child = spawn(process.execPath, ['--import', 'tsx', resolve(REPO_ROOT, 'bench/proxy/bench-servers.ts'), role], {
    cwd: REPO_ROOT,
    stdio: ['ignore', 'pipe', 'inherit'],
    env: { ...process.env, LOG_LEVEL: 'silent', ...env },
  });
  const { url } = await new Promise<{ url: string }>((r) =>
    createInterface({ input: child.stdout! }).once('line', (l) => r(JSON.parse(l))),
  );
  return { child, url };
};
const upstreamServer = await server('upstream');
const proxyServer = await server('proxy', { UPSTREAM_URL: upstreamServer.url });
const floorServer = await server('floor', { UPSTREAM_URL: upstreamServer.url });
const urls = { upstream: upstreamServer.url, proxy: proxyServer.url, floor: floorServer.url };
/** Peak resident memory of a process (Linux VmHWM), in MB. */
const peakRssMb = (pid: number) =>
  Number(/VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? NaN) / 1024;

/** CPU time a process has used (user + system, Linux /proc), in ms: what a request costs it, whatever else runs on the machine. */
const cpuMs = (pid: number) => {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8')
    .replace(/^.*\) /, '')
    .split(' ');
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100; // utime + stime, in clock ticks (USER_HZ = 100)
};
const pidOf = (base: string) =>
  (base === urls.proxy ? proxyServer : base === urls.floor ? floorServer : upstreamServer).child.pid!;

type AutocannonResult = {
  requests: { average: number; total: number };
  latency: { mean: number; p50: number; p99: number };
  errors: number;
  timeouts: number;
  non2xx: number;
};

/**
 * The load generator in a process of its own, like the servers. Run inside this orchestrating
 * process (autocannon's API), 500 streams showed hundreds of requests past 10 s that never showed
 * with the CLI against the same servers (3 runs of 8 s: 0).
 */
function autocannonProcess(
  url: string,
  body: string,
  connections: number,
  duration: number,
): Promise<AutocannonResult> {
  const cli = resolve(dirname(createRequire(import.meta.url).resolve('autocannon/package.json')), 'autocannon.js');
  return new Promise((ok, fail) => {
    const child = spawn(
      process.execPath,
      [
        cli,
        '--json',
        '-c',
        String(connections),
        '-d',
        String(duration),
        '-m',
        'POST',
        '-H',
        'content-type=application/json',
        '-b',
        body,
        url,
      ],
      { stdio: ['ignore', 'pipe', 'ignore'] },
    );
    let out = '';
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
    });
    child.on('close', (code) => {
      try {
        ok(JSON.parse(out) as AutocannonResult);
      } catch {
        fail(new Error(`autocannon exited with ${code}: ${out.slice(0, 200)}`));
      }
    });
  });
}

const AUTOCANNON_TIMEOUT_MS = 10_000;
/** p99 with the unanswered requests counted as taking at least the timeout. */
const p99WithTimeouts = (f: Figures) =>
  f.timeouts / Math.max(1, f.timeouts + f.req_per_s * STREAMS_S) > 0.01 ? AUTOCANNON_TIMEOUT_MS : f.p99_ms;

type Figures = {
  ms_per_request: number;
  mean_ms: number;
  p50_ms: number;
  p99_ms: number;
  req_per_s: number;
  errors: number;
  /** Requests with no answer within autocannon's 10 s timeout: left out of its latency percentiles. */
  timeouts: number;
  non2xx: number;
  server_cpu_ms_per_request: number;
};
async function load(base: string, stream: boolean, connections: number, duration = DURATION_S): Promise<Figures> {
  const cpuBefore = cpuMs(pidOf(base));
  const r = await autocannonProcess(
    `${base}/chat/completions`,
    JSON.stringify({
      model: 'canned',
      messages: [{ role: 'user', content: 'What is the capital of France?' }],
      stream,
    }),
    connections,
    duration,
  );
  // autocannon's latency percentiles have 1 ms resolution; with one connection the time per
  // request (1 / req/s) is the finer end-to-end figure.
  // The server's own CPU per request (the proxy's excludes its upstream's: another process).
  const server_cpu_ms_per_request = +((cpuMs(pidOf(base)) - cpuBefore) / Math.max(1, r.requests.total)).toFixed(4);
  return {
    ms_per_request: +(1000 / r.requests.average).toFixed(4),
    mean_ms: +r.latency.mean.toFixed(3),
    p50_ms: r.latency.p50,
    p99_ms: r.latency.p99,
    req_per_s: r.requests.average,
    errors: r.errors - r.timeouts,
    timeouts: r.timeouts,
    non2xx: r.non2xx,
    server_cpu_ms_per_request,
  };
}

const results: Record<string, unknown> = {
  duration_s: DURATION_S,
  cores: availableParallelism(),
  load_average_1m: loadavg()[0],
  note: "loopback, canned 7-token answer, upstream and proxy in separate processes; latency figures with 1 connection, throughput with 32; server_cpu_ms_per_request is the serving process's own CPU (1000 / it = req/s one core could serve)",
};
try {
  for (const stream of [false, true]) {
    const name = stream ? 'stream' : 'non_stream';
    const directLatency = await load(urls.upstream, stream, 1);
    const proxyLatency = await load(urls.proxy, stream, 1);
    const directThroughput = await load(urls.upstream, stream, 32);
    const proxyThroughput = await load(urls.proxy, stream, 32);
    const floorLatency = await load(urls.floor, stream, 1);
    const floorThroughput = await load(urls.floor, stream, 32);
    results[name] = {
      direct: { latency: directLatency, throughput: directThroughput },
      through_proxy: { latency: proxyLatency, throughput: proxyThroughput },
      // The least a Node relay does for the same answers (floor-relay.ts): what is Node's, not ours.
      through_floor_relay: { latency: floorLatency, throughput: floorThroughput },
      floor_added_ms_per_request: +(floorLatency.ms_per_request - directLatency.ms_per_request).toFixed(4),
      added_p50_ms: +(proxyLatency.p50_ms - directLatency.p50_ms).toFixed(3),
      added_p99_ms: +(proxyLatency.p99_ms - directLatency.p99_ms).toFixed(3),
      added_mean_ms: +(proxyLatency.mean_ms - directLatency.mean_ms).toFixed(3),
      added_ms_per_request: +(proxyLatency.ms_per_request - directLatency.ms_per_request).toFixed(4),
    };
  }
  const direct500 = await load(urls.upstream, true, 500, STREAMS_S);
  const proxy500 = await load(urls.proxy, true, 500, STREAMS_S);
  const floor500 = await load(urls.floor, true, 500, STREAMS_S);
  results.concurrent_streams_500 = {
    duration_s: STREAMS_S,
    direct: direct500,
    through_proxy: proxy500,
    through_floor_relay: floor500,
    p99_ratio: +(proxy500.p99_ms / direct500.p99_ms).toFixed(2),
    // autocannon's percentiles cover answered requests only. When more than 1 % had no answer
    // within 10 s, the true p99 is past 10 s: the ratio above would flatter the proxy.
    p99_ratio_counting_unanswered: +(p99WithTimeouts(proxy500) / p99WithTimeouts(direct500)).toFixed(2),
    floor_p99_ratio_counting_unanswered: +(p99WithTimeouts(floor500) / p99WithTimeouts(direct500)).toFixed(2),
    proxy_peak_rss_mb: +peakRssMb(proxyServer.child.pid!).toFixed(1),
  };
} finally {
  proxyServer.child.kill();
  floorServer.child.kill();
  upstreamServer.child.kill();
}
console.log(JSON.stringify(results, null, 1));
mkdirSync(resolve(REPO_ROOT, 'bench-results'), { recursive: true });
writeFileSync(resolve(REPO_ROOT, 'bench-results/proxy.json'), `${JSON.stringify(results, null, 1)}\n`);
process.exit(0);
