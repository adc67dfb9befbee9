/**
 * @module engine/collect-decode
 * Drains a `LocalEngine.decode()` generator into ids, text and its finish reason.
 */
import type { DecodedToken, FinishReason } from '../../core/protocol/local-engine.js';

export async function collectDecode(
  stream: AsyncGenerator<DecodedToken, FinishReason>,
): Promise<{ tokens: number[]; text: string; finishReason: FinishReason }> {
  const tokens: number[] = [];
  let text = '';
  for (;;) {
    const step = await stream.next();
    if (step.done) return { tokens, text, finishReason: step.value };
    tokens.push(step.value.id);
    text += step.value.text;
  }
}
