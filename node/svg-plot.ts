/**
 * @module node/svg-plot
 * Small static SVG line charts for the report (d3-scale for axes and ticks, d3-shape for paths):
 * no browser, no canvas, diff-friendly text files.
 */
import { scaleLinear, scaleLog } from 'd3-scale';
import { line } from 'd3-shape';

export type Series = {
  readonly name: string;
  readonly points: readonly { x: number; y: number }[];
  readonly dashed?: boolean;
  readonly markers?: boolean;
};

const COLORS = [
  '#d62728',
  '#1f77b4',
  '#2ca02c',
  '#9467bd',
  '#ff7f0e',
  '#8c564b',
  '#e377c2',
  '#7f7f7f',
  '#17becf',
  '#bcbd22',
];
const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

export function lineChart(title: string, xLabel: string, yLabel: string, series: readonly Series[]): string {
  const [W, H, m] = [780, 440, { l: 60, r: 250, t: 36, b: 48 }];
  const all = series.flatMap((s) => s.points);
  const pad = (lo: number, hi: number) => (hi - lo || 1) * 0.04;
  const [x0, x1] = [Math.min(...all.map((p) => p.x)), Math.max(...all.map((p) => p.x))];
  const [y0, y1] = [Math.min(...all.map((p) => p.y)), Math.max(...all.map((p) => p.y))];
  const x = scaleLinear()
    .domain([x0 - pad(x0, x1), x1 + pad(x0, x1)])
    .range([m.l, W - m.r])
    .nice();
  const y = scaleLinear()
    .domain([y0 - pad(y0, y1), y1 + pad(y0, y1)])
    .range([H - m.b, m.t])
    .nice();
  const path = line<{ x: number; y: number }>()
    .x((p) => x(p.x))
    .y((p) => y(p.y));
  const out = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="sans-serif" font-size="11">`,
    `<rect width="${W}" height="${H}" fill="white"/>`,
    `<text x="${W / 2 - m.r / 2}" y="20" text-anchor="middle" font-size="14">${esc(title)}</text>`,
  ];
  for (const t of x.ticks(8))
    out.push(
      `<line x1="${x(t)}" x2="${x(t)}" y1="${m.t}" y2="${H - m.b}" stroke="#eee"/><text x="${x(t)}" y="${H - m.b + 14}" text-anchor="middle">${t}</text>`,
    );
  for (const t of y.ticks(8))
    out.push(
      `<line x1="${m.l}" x2="${W - m.r}" y1="${y(t)}" y2="${y(t)}" stroke="#eee"/><text x="${m.l - 6}" y="${y(t) + 4}" text-anchor="end">${t}</text>`,
    );
  out.push(
    `<text x="${(m.l + W - m.r) / 2}" y="${H - 10}" text-anchor="middle">${esc(xLabel)}</text>`,
    `<text transform="translate(16 ${(m.t + H - m.b) / 2}) rotate(-90)" text-anchor="middle">${esc(yLabel)}</text>`,
  );
  series.forEach((s, i) => {
    const color = COLORS[i % COLORS.length]!;
    const sorted = [...s.points].sort((a, b) => a.x - b.x);
    out.push(
      `<path d="${path(sorted) ?? ''}" fill="none" stroke="${color}" stroke-width="${i === 0 ? 2.5 : 1.5}"${s.dashed ? ' stroke-dasharray="5 4"' : ''}/>`,
    );
    if (s.markers) for (const p of sorted) out.push(`<circle cx="${x(p.x)}" cy="${y(p.y)}" r="2.5" fill="${color}"/>`);
    out.push(
      `<line x1="${W - m.r + 12}" x2="${W - m.r + 32}" y1="${m.t + 8 + i * 16}" y2="${m.t + 8 + i * 16}" stroke="${color}" stroke-width="2"${s.dashed ? ' stroke-dasharray="5 4"' : ''}/>`,
      `<text x="${W - m.r + 38}" y="${m.t + 12 + i * 16}">${esc(s.name)}</text>`,
    );
  });
  out.push('</svg>');
  return `${out.join('\n')}\n`;
}

export type PercentileRow = {
  readonly label: string;
  readonly p50: number;
  readonly p95?: number;
  readonly p99?: number;
};

/**
 * Horizontal bars at p50 with a whisker to p99 and a tick at p95: one latency distribution per row.
 * `log`: a logarithmic axis, for rows that span orders of magnitude (3 ms beside 800 ms).
 */
export function percentileChart(
  title: string,
  unit: string,
  rows: readonly PercentileRow[],
  { log = false } = {},
): string {
  const [W, rowH, m] = [780, 22, { l: 300, r: 40, t: 36, b: 40 }];
  const H = m.t + m.b + rows.length * rowH;
  const max = Math.max(1e-9, ...rows.map((r) => r.p99 ?? r.p95 ?? r.p50));
  const min = Math.max(1e-3, Math.min(...rows.map((r) => r.p50)) / 2);
  const x = (log ? scaleLog().domain([min, max]) : scaleLinear().domain([0, max])).range([m.l, W - m.r]).nice();
  const out = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="sans-serif" font-size="11">`,
    `<rect width="${W}" height="${H}" fill="white"/>`,
    `<text x="${W / 2}" y="20" text-anchor="middle" font-size="14">${esc(title)}</text>`,
  ];
  const ticks = log ? x.ticks(6).filter((t) => /^[125]/.test(String(t))) : x.ticks(6);
  for (const t of ticks)
    out.push(
      `<line x1="${x(t)}" x2="${x(t)}" y1="${m.t}" y2="${H - m.b}" stroke="#eee"/><text x="${x(t)}" y="${H - m.b + 14}" text-anchor="middle">${t}</text>`,
    );
  out.push(
    `<text x="${(m.l + W - m.r) / 2}" y="${H - 8}" text-anchor="middle">${esc(unit)}${log ? ', log scale' : ''} (bar: p50, tick: p95, whisker: p99)</text>`,
  );
  rows.forEach((r, i) => {
    const y = m.t + i * rowH + 4;
    const color = COLORS[i % COLORS.length]!;
    out.push(
      `<text x="${m.l - 6}" y="${y + 11}" text-anchor="end">${esc(r.label)}</text>`,
      `<rect x="${m.l}" y="${y}" width="${Math.max(1, x(r.p50) - m.l)}" height="${rowH - 8}" fill="${color}" opacity="0.75"><title>${esc(r.label)}: p50 ${r.p50}</title></rect>`,
      `<text x="${Math.max(x(r.p99 ?? r.p50), x(r.p50)) + 4}" y="${y + 11}" font-size="10" fill="#555">${r.p50}</text>`,
    );
    if (r.p99 !== undefined)
      out.push(
        `<line x1="${x(r.p50)}" x2="${x(r.p99)}" y1="${y + (rowH - 8) / 2}" y2="${y + (rowH - 8) / 2}" stroke="#333"/><line x1="${x(r.p99)}" x2="${x(r.p99)}" y1="${y + 2}" y2="${y + rowH - 10}" stroke="#333"/>`,
      );
    if (r.p95 !== undefined)
      out.push(
        `<line x1="${x(r.p95)}" x2="${x(r.p95)}" y1="${y}" y2="${y + rowH - 8}" stroke="#333" stroke-width="2"/>`,
      );
  });
  out.push('</svg>');
  return `${out.join('\n')}\n`;
}
