/**
 * @module tokenizer/truncate
 * How a prompt longer than the local model's window is read: keep BOS and the last
 * `contextLength − 1` tokens (the question sits at the end of MMLU / few-shot prompts). The same
 * rule runs in training, in the browser and in the proxy
 * (docs/decisions/003-local-prompt-and-truncation.md).
 */

export function truncatePromptTokens(
  tokens: readonly number[],
  contextLength: number,
): { tokens: number[]; dropped: number } {
  if (tokens.length <= contextLength) return { tokens: [...tokens], dropped: 0 };
  const keep = contextLength - 1;
  return { tokens: [tokens[0]!, ...tokens.slice(tokens.length - keep)], dropped: tokens.length - 1 - keep };
}
