/**
 * @module bench/routed/native-reference
 * The same work outside the browser, measured in the same run so the report can state ratios:
 * the local model in Node (onnxruntime-node, CPU) on the bench prompts, and the edge proxy's time
 * to first token against its embedded upstream called directly (no HTTP, no routing).
 */
import { createNodeEngine } from '../../node/local-model.js';
import { collectDecode } from '../../workers/engine/collect-decode.js';
import { createEmbeddedThreadUpstream } from '../../edge-proxy/upstream/embedded-threads.js';
import { summarize, type Summary } from '../../core/bench/stats.js';
import type { PromptSet } from '../../core/bench/prompt-sets.js';
import type { ChatMessage } from '../../core/protocol/chat.js';

const must = (s: Summary | null, what: string): Summary => {
  if (!s) throw new Error(`no samples for ${what}`);
  return s;
};

export async function measureNative({
  sets,
  repeats,
  maxTokens,
  proxyUrl,
}: {
  sets: readonly PromptSet[];
  repeats: number;
  maxTokens: number;
  proxyUrl: string;
}) {
  const conversations: (readonly ChatMessage[])[] = sets.flatMap((s) => s.conversations);
  const engine = await createNodeEngine();
  const prefill: number[] = [];
  const decode: number[] = [];
  for (let r = 0; r < repeats; r++) {
    for (const messages of conversations) {
      const p = await engine.prefill(messages);
      prefill.push(p.prefillMs);
      const t0 = performance.now();
      const { tokens } = await collectDecode(engine.decode({ maxTokens }));
      if (tokens.length > 1) decode.push(tokens.length / ((performance.now() - t0) / 1000));
    }
  }
  // Direct: the embedded upstream the proxy uses, called in-process. Through: the proxy over HTTP,
  // the model pinned so both serve the same model.
  const upstream = createEmbeddedThreadUpstream({ threads: 1 });
  const direct: number[] = [];
  const through: number[] = [];
  try {
    for (let r = 0; r < repeats; r++) {
      for (const messages of conversations) {
        const t0 = performance.now();
        const stream = upstream.generate(
          { messages, maxTokens, temperature: 0, seed: 0 },
          new AbortController().signal,
        );
        await stream.next();
        direct.push(performance.now() - t0);
        await stream.return(undefined as never);
        const t1 = performance.now();
        const response = await fetch(`${proxyUrl}/v1/chat/completions`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ model: 'stories260K', messages, max_tokens: maxTokens, stream: true }),
        });
        const reader = response.body!.getReader();
        const decoder = new TextDecoder();
        // Until the first chunk that carries text (the role chunk before it carries none).
        for (let text = ''; !/"delta":\{"content":"[^"]/.test(text); ) {
          const chunk = await reader.read();
          if (chunk.done) break;
          text += decoder.decode(chunk.value, { stream: true });
        }
        through.push(performance.now() - t1);
        await reader.cancel();
      }
    }
  } finally {
    await upstream.close();
  }
  return {
    node_onnx: {
      runtime: 'onnxruntime-node (CPU)',
      prefill_ms: must(summarize(prefill), 'node prefill'),
      decode_tokens_per_s: must(summarize(decode), 'node decode'),
    },
    proxy: {
      direct_upstream_ttft_ms: must(summarize(direct), 'direct upstream'),
      through_proxy_ttft_ms: must(summarize(through), 'proxy'),
    },
  };
}
