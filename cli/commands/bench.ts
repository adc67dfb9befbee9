/**
 * @module cli/commands/bench
 * `npm run bench` / `riskgate bench`: routed latency end to end in headless Chromium, over a
 * matrix chosen on the command line or in a JSON config file; writes results.json (schema
 * riskgate-bench/1), report.html and summary.md, and with --compare exits 1 on a regression.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { dirname, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { RouterError } from '../../core/errors.js';
import { benchResultsSchema, type BenchResults } from '../../core/bench/results-schema.js';
import { compareResults } from '../../core/bench/compare.js';
import { mergeRuns } from '../../core/bench/merge-runs.js';
import { PROMPT_SETS, parsePromptJsonl, type PromptSet } from '../../core/bench/prompt-sets.js';
import { REPO_ROOT } from '../../node/paths.js';

export const BENCH_HELP = `riskgate bench [--quick] [--out DIR] [--config FILE.json] [--rungs LIST] [--points LIST]
               [--paths LIST] [--sets LIST] [--prompts FILE.jsonl] [--loads LIST] [--repeats N]
               [--warmup N] [--max-tokens N] [--runs K] [--cpu-throttle X] [--compare BASELINE.json [--current RESULTS.json] [--threshold X]]
               [--update-readme] [--from RESULTS.json]
  Routed latency in headless Chromium through the built widget's router worker and a local edge
  proxy (embedded defaults). Each rung × load runs in a fresh browser (cold: new profile; warm: the
  same profile again); in it every operating point × path × prompt set. Writes DIR/results.json,
  DIR/report.html and DIR/summary.md (default DIR: bench-results/bench).
  --rungs    wasm-1, wasm-N (N threads), webgpu            default: wasm-1,wasm-${Math.min(4, cpus().length)},webgpu
  --points   λ:α pairs from the shipped grid               default: 0.5:0.05,0.5:0.1,0.5:0.15
  --paths    auto, local, edge                             default: auto,local,edge
  --sets     ${Object.keys(PROMPT_SETS).join(', ')}       default: short,mixed; --prompts adds a JSONL set
  --loads    cold, warm                                    default: cold,warm
  --repeats 2 --warmup 1 --max-tokens 16
  --runs K   the whole matrix K times with fresh browsers and servers; --compare then tests the
             runs' means (between-run noise, what a CI gate faces) instead of single samples
  --cpu-throttle X   emulate an X times slower CPU (Chromium's DevTools throttling; default 1 = off)
  --quick    wasm-1, 0.5:0.1, auto+edge, short, cold+warm (CI: about 10 s here)
  The default run takes about 10 min on 2 cores without a GPU, mostly WebGPU on SwiftShader and
  the edge models' emulated latency (the proxy's replay models answer at their recorded pace).
  --config   a JSON object with any of: rungs, points ([[λ, α], …]), paths, sets, loads, repeats, warmup, max_tokens
  --compare  print the change of every metric against a baseline results.json; exit 1 when one got
             worse by more than --threshold (default 0.1 = 10%) with p < 0.01 (Welch). With
             --current, compares two files without running anything. --min-change-ms (default 1)
             is the smallest change of a time that counts; --only REGEX compares only the
             configurations whose id matches (e.g. /warm/: cold loads are the noisiest).
  --update-readme   write the summary's tables into docs/measured.md (between its bench markers)
  --from     re-render report.html / summary.md (and docs/measured.md with --update-readme) from a results.json`;

const list = (value: string | undefined) =>
  value
    ?.split(',')
    .map((s) => s.trim())
    .filter(Boolean);

function parseRung(name: string) {
  if (name === 'webgpu') return { name, backend: 'webgpu' as const, threads: 1 };
  const m = /^wasm-(\d+)$/.exec(name);
  if (!m) throw new RouterError('invalid_request', `rung ${name}: expected wasm-1, wasm-N or webgpu`);
  return { name, backend: 'wasm' as const, threads: Number(m[1]) };
}

function parsePoint(text: string) {
  const [l, a] = text.split(':').map(Number);
  if (!Number.isFinite(l) || !Number.isFinite(a) || a! <= 0 || a! >= 1)
    throw new RouterError('invalid_request', `point ${text}: expected λ:α, e.g. 0.5:0.1`);
  return { costWeight: l!, riskLevel: a! };
}

function positive(name: string, value: unknown, fallback: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new RouterError('invalid_request', `--${name} must be a whole number ≥ 0`);
  return n;
}

function readResults(path: string): BenchResults {
  const parsed = benchResultsSchema.safeParse(JSON.parse(readFileSync(resolve(path), 'utf8')));
  if (!parsed.success)
    throw new RouterError(
      'invalid_artifact',
      `${path} is not a riskgate-bench/1 results file: ${parsed.error.issues[0]?.path.join('.')} ${parsed.error.issues[0]?.message}`,
    );
  return parsed.data;
}

/** Prints the comparison; true when something regressed. */
function report(
  baseline: BenchResults,
  current: BenchResults,
  options: { threshold: number; minChangeMs: number; only?: RegExp },
): boolean {
  const { threshold } = options;
  const changes = compareResults(baseline, current, options);
  const regressions = changes.filter((c) => c.regression);
  console.log(
    `compared ${changes.length} metrics with baseline ${baseline.commit} (${baseline.created}); threshold ${(threshold * 100).toFixed(0)}%, p < 0.01`,
  );
  for (const c of [...changes].sort((a, b) => Math.abs(b.change) - Math.abs(a.change)).slice(0, 15)) {
    console.log(
      `${c.regression ? 'REGRESSION' : '          '} ${(c.change * 100).toFixed(1).padStart(7)}%  p=${c.p.toFixed(4)}  ${c.metric}  ${c.configuration}  (${c.baseline.toFixed(3)} → ${c.current.toFixed(3)})`,
    );
  }
  console.log(regressions.length ? `${regressions.length} regression(s)` : 'no regression');
  return regressions.length > 0;
}

const README_START = '<!-- bench:start (generated by `npm run bench -- --update-readme`; do not edit by hand) -->';
const README_END = '<!-- bench:end -->';

/** results.json, report.html and summary.md into `dir`; with `readme`, the summary between the markers of docs/measured.md. */
async function writeOutputs(dir: string, results: BenchResults, readme: boolean): Promise<string> {
  const { htmlReport, markdownSummary } = await import('../../bench/routed/report.js');
  mkdirSync(dir, { recursive: true });
  writeFileSync(resolve(dir, 'results.json'), `${JSON.stringify(results, null, 1)}\n`);
  writeFileSync(resolve(dir, 'report.html'), htmlReport(results));
  const summary = markdownSummary(results);
  writeFileSync(resolve(dir, 'summary.md'), summary);
  if (readme) {
    const path = resolve(REPO_ROOT, 'docs/measured.md');
    const text = readFileSync(path, 'utf8');
    const [start, end] = [text.indexOf(README_START), text.indexOf(README_END)];
    if (start < 0 || end < start)
      throw new RouterError(
        'invalid_request',
        `docs/measured.md has no ${README_START} … ${README_END} block to update`,
      );
    const body = summary.split('\n').slice(2).join('\n').trim(); // without the title line
    writeFileSync(path, `${text.slice(0, start + README_START.length)}\n${body}\n${text.slice(end)}`);
    console.log('updated the figures in docs/measured.md');
  }
  return summary;
}

export async function bench(argv: string[]): Promise<void> {
  const { values } = parseArgs({
    args: argv,
    options: {
      quick: { type: 'boolean' },
      out: { type: 'string' },
      config: { type: 'string' },
      rungs: { type: 'string' },
      points: { type: 'string' },
      paths: { type: 'string' },
      sets: { type: 'string' },
      prompts: { type: 'string' },
      loads: { type: 'string' },
      repeats: { type: 'string' },
      warmup: { type: 'string' },
      'max-tokens': { type: 'string' },
      'cpu-throttle': { type: 'string' },
      runs: { type: 'string' },
      compare: { type: 'string' },
      current: { type: 'string' },
      threshold: { type: 'string' },
      from: { type: 'string' },
      'update-readme': { type: 'boolean' },
      only: { type: 'string' },
      'min-change-ms': { type: 'string' },
    },
  });
  const threshold = values.threshold === undefined ? 0.1 : Number(values.threshold);
  const minChangeMs = values['min-change-ms'] === undefined ? 1 : Number(values['min-change-ms']);
  if (!(threshold >= 0) || !(minChangeMs >= 0))
    throw new RouterError('invalid_request', '--threshold and --min-change-ms must be numbers ≥ 0');
  const compareOptions = { threshold, minChangeMs, ...(values.only ? { only: new RegExp(values.only) } : {}) };
  if (values.compare && values.current) {
    if (report(readResults(values.compare), readResults(values.current), compareOptions)) process.exit(1);
    return;
  }
  if (values.from) {
    // Re-render a run's report (and the README's figures) without running anything.
    const results = readResults(values.from);
    const dir = resolve(values.out ?? dirname(resolve(values.from)));
    await writeOutputs(dir, results, values['update-readme'] === true);
    return;
  }
  const file = values.config
    ? (JSON.parse(readFileSync(resolve(values.config), 'utf8')) as Record<string, unknown>)
    : {};
  const quick = values.quick === true;
  const rungNames =
    list(values.rungs) ??
    (file.rungs as string[] | undefined) ??
    (quick ? ['wasm-1'] : ['wasm-1', `wasm-${Math.min(4, cpus().length)}`, 'webgpu']);
  const points = (
    list(values.points) ??
    (file.points as [number, number][] | undefined)?.map(([l, a]) => `${l}:${a}`) ??
    (quick ? ['0.5:0.1'] : ['0.5:0.05', '0.5:0.1', '0.5:0.15'])
  ).map(parsePoint);
  const paths = (list(values.paths) ??
    (file.paths as string[] | undefined) ??
    (quick ? ['auto', 'edge'] : ['auto', 'local', 'edge'])) as ('auto' | 'local' | 'edge')[];
  for (const p of paths)
    if (!['auto', 'local', 'edge'].includes(p))
      throw new RouterError('invalid_request', `path ${p}: expected auto, local or edge`);
  const setNames = list(values.sets) ?? (file.sets as string[] | undefined) ?? (quick ? ['short'] : ['short', 'mixed']);
  const sets: PromptSet[] = setNames.map((n) => {
    const s = PROMPT_SETS[n];
    if (!s)
      throw new RouterError(
        'invalid_request',
        `prompt set ${n}: expected one of ${Object.keys(PROMPT_SETS).join(', ')}`,
      );
    return s;
  });
  if (values.prompts) sets.push(parsePromptJsonl(values.prompts, readFileSync(resolve(values.prompts), 'utf8')));
  const loads = (list(values.loads) ?? (file.loads as string[] | undefined) ?? ['cold', 'warm']) as ('cold' | 'warm')[];
  for (const l of loads)
    if (l !== 'cold' && l !== 'warm') throw new RouterError('invalid_request', `load ${l}: expected cold or warm`);
  const repeats = Math.max(1, positive('repeats', values.repeats ?? file.repeats, 2));
  const warmup = positive('warmup', values.warmup ?? file.warmup, 1);
  const maxTokens = Math.max(1, positive('max-tokens', values['max-tokens'] ?? file.max_tokens, 16));
  const cpuThrottle = Math.max(1, Number(values['cpu-throttle'] ?? file.cpu_throttle ?? 1));
  if (!Number.isFinite(cpuThrottle)) throw new RouterError('invalid_request', '--cpu-throttle must be a number ≥ 1');
  // The bench's own proxy logs nothing unless asked (its aborts are the bench's own cancels).
  process.env.LOG_LEVEL ??= 'silent';
  const out = resolve(values.out ?? resolve(REPO_ROOT, 'bench-results/bench'));

  const { runBench } = await import('../../bench/routed/run-bench.js');
  const started = performance.now();
  const runs = Math.max(1, positive('runs', values.runs ?? file.runs, 1));
  const each: BenchResults[] = [];
  for (let run = 1; run <= runs; run++) {
    each.push(
      benchResultsSchema.parse(
        await runBench({
          rungs: rungNames.map(parseRung),
          points,
          paths,
          sets,
          loads,
          repeats,
          warmup,
          maxTokens,
          cpuThrottle,
          command: `npm run bench -- ${argv.join(' ')}`.trim(),
          log: (line) => console.log(`[bench]${runs > 1 ? ` run ${run}/${runs}:` : ''} ${line}`),
        }),
      ),
    );
  }
  const results = benchResultsSchema.parse(mergeRuns(each));
  const summary = await writeOutputs(out, results, values['update-readme'] === true);
  console.log(
    `\n${summary}\nwrote ${out}/results.json, report.html, summary.md in ${((performance.now() - started) / 1000).toFixed(0)} s`,
  );
  if (values.compare && report(readResults(values.compare), results, compareOptions)) process.exit(1);
}
