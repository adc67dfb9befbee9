/**
 * @module render/badge
 * Under each answer: who answered, in plain words, then the routing figures (score ĝ, threshold τ,
 * λ, α, timings) behind a details toggle.
 */
import { html, nothing } from 'lit';
import type { AnswerTurn } from '../controllers/conversation.js';
import type { WidgetStrings } from '../strings/strings.js';

const formatThreshold = (t: number) => (t === Infinity ? '+∞' : t === -Infinity ? '−∞' : t.toFixed(3));
const ms = (v: number | null | undefined) => (v === null || v === undefined ? '—' : `${Math.round(v)} ms`);

const WHY: Record<AnswerTurn['decision']['reason'], string> = {
  gate: 'chosen by the gate',
  forced: 'forced by the mode setting',
  context: 'too long for the on-device model',
  'no-engine': 'the on-device model is not available',
};

const seconds = (s: number) => (s < 1 ? `${Math.round(s * 1000)} ms` : `${s.toFixed(1)} s`);
const rate = (r: number | null, source: string) =>
  r === null ? 'not measured yet' : `${Math.round(r)} tok/s (${source})`;

/** The live cost model's terms (decision 023): what each path would cost this prompt, and the measured figures behind it. */
function renderCost(c: NonNullable<AnswerTurn['decision']['cost']>) {
  const { local, edge } = c.prompt;
  const i = c.inputs;
  return html`<dt>Cost of this prompt (live)</dt><dd>on this device ${seconds(local.latencyS)}, ${local.energyJ.toFixed(2)} J · ${edge.model} ${seconds(edge.latencyS)}, ${edge.energyJ.toFixed(2)} J, $${edge.usd.toFixed(4)} · c̄ ${local.normalized.toFixed(3)} against ${edge.normalized.toFixed(3)} (${c.prompt.outputTokens}-token answer)</dd>
    <dt>Measured</dt><dd>prefill ${rate(i.localPrefillTokensPerS, c.sources.localPrefill)} · decode ${rate(i.localDecodeTokensPerS, c.sources.localDecode)} · edge first token ${i.edgeFirstTokenS === null ? 'not measured yet' : seconds(i.edgeFirstTokenS)} · network ${seconds(i.networkRttS)} round trip (${c.sources.network}${c.connection?.effectiveType ? `, ${c.connection.effectiveType}` : ''}) · table τ ${formatThreshold(c.tableThreshold)}</dd>`;
}

export function renderBadge(turn: AnswerTurn, t: WidgetStrings) {
  const d = turn.decision;
  const who =
    d.path === 'local'
      ? t.answeredHere
      : t.answeredBy(turn.servedBy && turn.servedBy !== 'edge' ? turn.servedBy : t.theServer);
  const timings = turn.timings;
  return html`<div class="badge" part="badge" data-path=${d.path}>
    <span class="who ${d.path}">${who}</span>${d.reason === 'context' ? html` · <span>${t.tooLongHere}</span>` : nothing}
    <details>
      <summary>${t.details}</summary>
      <dl>
        <dt>Path</dt><dd>${d.path} (${WHY[d.reason]})</dd>
        <dt>Gate score ĝ</dt><dd>${Number.isNaN(d.score) ? 'not computed' : d.score.toFixed(3)}</dd>
        <dt>Threshold τ(λ, α)</dt><dd>${formatThreshold(d.threshold)} · λ ${d.costWeight} · α ${d.riskLevel}${d.group !== null && d.group !== undefined ? ` · cluster ${d.group}` : ''}${d.threshold !== d.calibratedThreshold ? ` (calibrated ${formatThreshold(d.calibratedThreshold)}, adapted from feedback)` : ''}${d.cost ? ' · recalibrated for this device' : ''}</dd>
        ${d.cost ? renderCost(d.cost) : nothing}
        <dt>Local model</dt><dd>${d.engine ? `${d.engine.model} on ${d.engine.backend}` : 'none'}</dd>
        ${timings ? html`<dt>Timings</dt><dd>prefill ${ms(timings.prefillMs)} · gate ${ms(timings.gateMs)} · first token ${ms(timings.firstTokenMs)} · total ${ms(timings.totalMs)}${timings.tokensPerSecond ? ` · ${timings.tokensPerSecond.toFixed(1)} tok/s` : ''}</dd>` : nothing}
        ${turn.usage ? html`<dt>Tokens</dt><dd>${turn.usage.promptTokens} in · ${turn.usage.completionTokens} out</dd>` : nothing}
      </dl>
    </details>
  </div>`;
}
