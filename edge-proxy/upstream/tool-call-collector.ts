/**
 * @module upstream/tool-call-collector
 * Joins streamed `tool_calls` deltas into whole calls, and says what to pass on of each delta.
 * OpenAI sends each call's id, type and name in its first delta and its JSON arguments in pieces
 * after it, keyed by `index`; servers differ in how they split them, so every field is merged,
 * never assumed to come once.
 */
import type { ToolCall, ToolCallDelta } from '../../core/protocol/openai.js';

type Delta = { index?: number; id?: string; type?: string; function?: { name?: string; arguments?: string } };

export function createToolCallCollector() {
  const byIndex = new Map<number, { id: string; name: string; arguments: string }>();
  return {
    /**
     * Merges `deltas` and returns them as the client should get them: a call's first delta always
     * with its `id` (the upstream's, else `call_<index>`: some servers omit it) and `type`, so the
     * streamed pieces and the whole calls of `calls()` name each call alike.
     */
    add(deltas: readonly Delta[]): ToolCallDelta[] {
      return deltas.map((delta, position) => {
        const index = delta.index ?? position;
        const known = byIndex.get(index);
        const call = known ?? { id: delta.id || `call_${index}`, name: '', arguments: '' };
        if (delta.function?.name) call.name += delta.function.name;
        if (delta.function?.arguments) call.arguments += delta.function.arguments;
        byIndex.set(index, call);
        const fn = {
          ...(delta.function?.name ? { name: delta.function.name } : {}),
          ...(delta.function?.arguments ? { arguments: delta.function.arguments } : {}),
        };
        return known
          ? { index, function: fn }
          : {
              index,
              id: call.id,
              type: 'function' as const,
              function: { name: fn.name ?? '', arguments: fn.arguments ?? '' },
            };
      });
    },
    /** The calls in index order. */
    calls(): ToolCall[] {
      return [...byIndex.entries()]
        .sort(([a], [b]) => a - b)
        .map(([, c]) => ({ id: c.id, type: 'function' as const, function: { name: c.name, arguments: c.arguments } }));
    },
  };
}
