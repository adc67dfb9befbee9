/**
 * @module bench/routed/report
 * What `npm run bench` writes beside results.json: a self-contained `report.html` (inline SVG
 * charts: latency per path, deferral and wasted prefill against the operating point, cold vs warm
 * load) and a Markdown summary whose headline table is the one the README quotes.
 */
import { lineChart, percentileChart, type PercentileRow } from '../../node/svg-plot.js';
import type { BenchResults, RouteConfiguration } from '../../core/bench/results-schema.js';
import { summarize } from '../../core/bench/stats.js';

const fmt = (x: number | undefined, digits = 1) => (x === undefined || !Number.isFinite(x) ? '—' : x.toFixed(digits));
const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/** Pooled over the configurations given: the mean of their p50s (each already a summary of many samples). */
const mean = (xs: (number | undefined)[]) => {
  const v = xs.filter((x): x is number => x !== undefined && Number.isFinite(x));
  return v.length ? v.reduce((a, b) => a + b, 0) / v.length : undefined;
};

/** The median of every sample of `metric` in these configurations (all points, paths, sets and loads). */
const pooledP50 = (configs: readonly RouteConfiguration[], metric: keyof RouteConfiguration['samples']) =>
  summarize(configs.flatMap((c) => c.samples[metric] ?? []))?.p50;

export type HeadlineRow = {
  rung: string;
  adapter: string;
  cold_ready_ms?: number;
  warm_ready_ms?: number;
  ttft_local_ms?: number;
  ttft_edge_ms?: number;
  gate_ms?: number;
  decode_tokens_per_s?: number;
  node_decode_tokens_per_s: number;
  points: { cost_weight: number; risk_level: number; deferral_rate?: number; wasted_prefill_ms?: number }[];
};

export function headline(results: BenchResults): HeadlineRow[] {
  return results.matrix.rungs.map((rung) => {
    const of = (c: RouteConfiguration) => c.rung === rung;
    const configs = results.configurations.filter(of);
    const session = (load: string) => results.sessions.find((s) => s.rung === rung && s.load === load);
    const auto = configs.filter((c) => c.path === 'auto');
    return {
      rung,
      adapter: configs[0]?.adapter ?? session('cold')?.adapter ?? rung,
      cold_ready_ms: session('cold')?.summary.page_to_ready_ms?.p50,
      warm_ready_ms: session('warm')?.summary.page_to_ready_ms?.p50,
      ttft_local_ms: pooledP50(configs, 'ttft_local_ms'),
      ttft_edge_ms: pooledP50(configs, 'ttft_edge_ms'),
      gate_ms: pooledP50(configs, 'gate_ms'),
      decode_tokens_per_s: pooledP50(configs, 'decode_tokens_per_s'),
      node_decode_tokens_per_s: results.native.node_onnx.decode_tokens_per_s.p50,
      points: results.matrix.points.map((p) => {
        const here = (auto.length ? auto : configs).filter(
          (c) => c.point.cost_weight === p.cost_weight && c.point.risk_level === p.risk_level,
        );
        return {
          ...p,
          deferral_rate: mean(here.map((c) => c.deferral_rate ?? undefined)),
          wasted_prefill_ms: mean(here.map((c) => c.summary.wasted_prefill_ms?.mean)),
        };
      }),
    };
  });
}

export function markdownSummary(results: BenchResults): string {
  const rows = headline(results);
  const lines = [
    `# riskgate bench — ${results.created}`,
    '',
    `Command: \`${results.command}\` · commit ${results.commit} · ${results.machine.cpu}, ${results.machine.cores} cores, ${results.machine.os}, ${results.machine.chromium}, GPU adapter: ${results.machine.gpu_adapter ?? 'none'} · load average ${results.machine.load_average_start.map((x) => x.toFixed(2)).join(' ')} → ${results.machine.load_average_end.map((x) => x.toFixed(2)).join(' ')}`,
    '',
    'Medians (p50) over every sample of the rung (all loads, operating points, paths and prompt sets), in ms unless stated; ready times are per session. WebGPU here runs on Dawn\'s SwiftShader adapter, on the CPU: "SwiftShader-CPU".',
    '',
    '| rung | cold ready | warm ready | TTFT local | TTFT edge | gate | decode tok/s (browser / Node) |',
    '|---|---|---|---|---|---|---|',
    ...rows.map(
      (r) =>
        `| ${r.adapter} | ${fmt(r.cold_ready_ms, 0)} | ${fmt(r.warm_ready_ms, 0)} | ${fmt(r.ttft_local_ms)} | ${fmt(r.ttft_edge_ms)} | ${fmt(r.gate_ms, 2)} | ${fmt(r.decode_tokens_per_s, 0)} / ${fmt(r.node_decode_tokens_per_s, 0)} |`,
    ),
    '',
    '| rung | λ | α | deferral rate (auto) | wasted prefill per deferred prompt (ms) |',
    '|---|---|---|---|---|',
    ...rows.flatMap((r) =>
      r.points.map(
        (p) =>
          `| ${r.adapter} | ${p.cost_weight} | ${p.risk_level} | ${fmt(p.deferral_rate, 2)} | ${fmt(p.wasted_prefill_ms, 2)} |`,
      ),
    ),
    '',
    `Native references: Node prefill p50 ${fmt(results.native.node_onnx.prefill_ms.p50, 2)} ms, decode ${fmt(results.native.node_onnx.decode_tokens_per_s.p50, 0)} tok/s; edge TTFT through the proxy p50 ${fmt(results.native.proxy.through_proxy_ttft_ms.p50, 2)} ms vs its upstream called directly ${fmt(results.native.proxy.direct_upstream_ttft_ms.p50, 2)} ms.`,
  ];
  const errors = results.configurations.filter((c) => Object.keys(c.errors).length > 0);
  if (errors.length)
    lines.push(
      '',
      'Errors by code:',
      ...errors.map(
        (c) =>
          `- ${c.id}: ${Object.entries(c.errors)
            .map(([k, v]) => `${k} × ${v}`)
            .join(', ')}`,
      ),
    );
  return `${lines.join('\n')}\n`;
}

export function htmlReport(results: BenchResults): string {
  // Per rung and answering side, pooled over loads, operating points and prompt sets (as the headline table).
  const pooled = (metric: 'ttft_local_ms' | 'ttft_edge_ms', side: string): PercentileRow[] =>
    results.matrix.rungs.flatMap((rung) => {
      const configs = results.configurations.filter((c) => c.rung === rung);
      const s = summarize(configs.flatMap((c) => c.samples[metric] ?? []));
      return s ? [{ label: `${configs[0]!.adapter}, ${side}`, p50: +s.p50.toFixed(1), p95: s.p95, p99: s.p99 }] : [];
    });
  const ttftRows = [...pooled('ttft_local_ms', 'answered locally'), ...pooled('ttft_edge_ms', 'deferred to the edge')];
  const rows = headline(results);
  const byPoint = (value: (p: HeadlineRow['points'][number]) => number | undefined) =>
    rows
      .map((r) => ({
        name: r.adapter,
        markers: true,
        points: r.points.flatMap((p) => {
          const y = value(p);
          return y === undefined ? [] : [{ x: p.risk_level, y }];
        }),
      }))
      .filter((s) => s.points.length > 0);
  const loadRows: PercentileRow[] = results.sessions.flatMap((s) =>
    s.summary.page_to_ready_ms ? [{ label: `${s.adapter} ${s.load}`, p50: s.summary.page_to_ready_ms.p50 }] : [],
  );
  const charts = [
    ttftRows.length ? percentileChart('Time to first token by rung and side', 'ms', ttftRows, { log: true }) : '',
    byPoint((p) => p.deferral_rate).length && results.matrix.points.length > 1
      ? lineChart(
          'Deferral rate against the risk level α (auto path; the same gate on every rung)',
          'risk level α',
          'share deferred',
          byPoint((p) => p.deferral_rate),
        )
      : '',
    byPoint((p) => p.wasted_prefill_ms).length && results.matrix.points.length > 1
      ? lineChart(
          'Prefill + gate paid by deferred prompts',
          'risk level α',
          'ms per deferred prompt',
          byPoint((p) => p.wasted_prefill_ms),
        )
      : '',
    loadRows.length ? percentileChart('Page load → router ready, cold vs warm', 'ms', loadRows) : '',
  ].filter(Boolean);
  const md = markdownSummary(results);
  const table = (text: string) =>
    text
      .split('\n')
      .filter((l) => l.startsWith('|'))
      .filter((l) => !/^\|---/.test(l))
      .map(
        (l, i) =>
          `<tr>${l
            .slice(1, -1)
            .split('|')
            .map((cell) => (i === 0 ? `<th>${esc(cell.trim())}</th>` : `<td>${esc(cell.trim())}</td>`))
            .join('')}</tr>`,
      )
      .join('\n');
  const [first, second] = md.split('\n\n| rung | λ');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>riskgate bench ${esc(results.created)}</title>
<style>body{font-family:system-ui,sans-serif;max-width:980px;margin:2rem auto;padding:0 1rem;color:#222}table{border-collapse:collapse;margin:1rem 0}td,th{border:1px solid #ccc;padding:.3rem .6rem;text-align:right}th{background:#f4f4f4}td:first-child,th:first-child{text-align:left}figure{margin:1.5rem 0}details{margin:1rem 0}</style></head>
<body><h1>riskgate bench</h1>
<p>${esc(`${results.machine.cpu}, ${results.machine.cores} cores, ${results.machine.os}; ${results.machine.chromium}; GPU adapter ${results.machine.gpu_adapter ?? 'none'}; commit ${results.commit}; ${results.created}`)}</p>
<p>Command: <code>${esc(results.command)}</code>. Medians (p50) pooled per rung over loads, operating points, paths and prompt sets; ready times per browser session. WebGPU figures on the SwiftShader adapter are CPU figures ("SwiftShader-CPU").</p>
<table>${table(first ?? '')}</table>
<table>${table(`| rung | λ${second ?? ''}`.split('\n\nNative')[0]!)}</table>
<p>${esc(md.split('\n').find((l) => l.startsWith('Native references')) ?? '')}</p>
${charts.map((svg) => `<figure>${svg}</figure>`).join('\n')}
<details><summary>Every configuration (n, mean, p50, p95, p99)</summary><table><tr><th>configuration</th><th>metric</th><th>n</th><th>mean</th><th>p50</th><th>p95</th><th>p99</th></tr>
${results.configurations.flatMap((c) => Object.entries(c.summary).map(([k, s]) => `<tr><td>${esc(c.id)}</td><td>${k}</td><td>${s!.n}</td><td>${fmt(s!.mean, 2)}</td><td>${fmt(s!.p50, 2)}</td><td>${fmt(s!.p95, 2)}</td><td>${fmt(s!.p99, 2)}</td></tr>`)).join('\n')}
</table></details>
</body></html>
`;
}
