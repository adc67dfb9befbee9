/**
 * @module testing/golden
 * Reads the stories260K golden outputs (../shared/models/stories260K/golden.json): reference
 * tokens, texts and hidden states from an independent float32 forward pass.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { SHARED_DIR } from '../node/paths.js';

export type GoldenCase = {
  readonly prompt: string;
  readonly prompt_tokens: number[];
  readonly generated_tokens: number[];
  readonly completion_text?: string;
  readonly full_text: string;
  readonly final_normed_hidden_at_last_prompt_position?: number[];
};
export type Golden = {
  readonly tokenizer_vectors: { text: string; tokens: number[] }[];
  readonly cases: Record<string, GoldenCase>;
};

export const GOLDEN_PATH = resolve(SHARED_DIR, 'models/stories260K/golden.json');
export const loadGolden = (): Golden => JSON.parse(readFileSync(GOLDEN_PATH, 'utf8')) as Golden;

export const maxAbsDiff = (a: ArrayLike<number>, b: ArrayLike<number>): number => {
  if (a.length !== b.length) return Infinity;
  let worst = 0;
  for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i]! - b[i]!));
  return worst;
};
