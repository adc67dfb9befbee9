/**
 * @module upstream/tool-call-collector
 * Joins streamed `tool_calls` deltas into whole calls. OpenAI sends each call's id, type and name
 * in its first delta and its JSON arguments in pieces after it, keyed by `index`; servers differ in
 * how they split them, so every field is merged, never assumed to come once.
 */
import type { ToolCall } from '../../core/protocol/openai.js';

type Delta = { index?: number; id?: string; type?: string; function?: { name?: string; arguments?: string } };

export function createToolCallCollector() {
  const byIndex = new Map<number, { id: string; name: string; arguments: string }>();
  return {
    add(deltas: readonly Delta[]): void {
      for (const [position, delta] of deltas.entries()) {
        const index = delta.index ?? position;
        const call = byIndex.get(index) ?? { id: '', name: '', arguments: '' };
        if (delta.id) call.id = delta.id;
        if (delta.function?.name) call.name += delta.function.name;
        if (delta.function?.arguments) call.arguments += delta.function.arguments;
        byIndex.set(index, call);
      }
    },
    /** The calls in index order; a call without an id gets one (some servers omit it). */
    calls(): ToolCall[] {
      return [...byIndex.entries()]
        .sort(([a], [b]) => a - b)
        .map(([index, c]) => ({
          id: c.id || `call_${index}`,
          type: 'function' as const,
          function: { name: c.name, arguments: c.arguments },
        }));
    },
  };
}
