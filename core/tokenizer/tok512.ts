/**
 * @module tokenizer/tok512
 * The llama2.c tokenizer format (`tok512.bin`) and its encode/decode rules, reimplemented from
 * llama2.c `run.c` (`build_tokenizer`, `encode`, `decode`). Written by hand because no npm
 * tokenizer reads this binary format (see docs/decisions/002-own-converter-and-tokenizer.md).
 */
import { RouterError } from '../errors.js';

export const BOS_ID = 1;
export const EOS_ID = 2;
/** Byte-fallback ids: byte b is token b + 3 (llama2.c `encode`). */
const BYTE_FALLBACK_OFFSET = 3;

export type Tokenizer = {
  readonly vocab: readonly string[];
  encode(text: string): number[];
  /** Decodes one token given the previous one (llama2.c drops the space after BOS). */
  decodePiece(previous: number, token: number): Uint8Array;
  /** Decodes `tokens`; `previous` is the token before them (BOS for a fresh text). */
  decode(tokens: readonly number[], previous?: number): string;
};

/** `wholeText`: merge the whole text at once, as llama2.c does (the reference the word-wise merge is tested against). */
export function parseTok512(bytes: Uint8Array, options: { readonly wholeText?: boolean } = {}): Tokenizer {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const utf8 = new TextDecoder('utf-8', { fatal: false });
  const vocab: string[] = [];
  const pieceBytes: Uint8Array[] = [];
  const scores: number[] = [];
  let offset = 4; // skip max_token_length
  try {
    while (offset < bytes.byteLength) {
      scores.push(view.getFloat32(offset, true));
      const length = view.getInt32(offset + 4, true);
      const raw = new Uint8Array(bytes.subarray(offset + 8, offset + 8 + length));
      if (raw.byteLength !== length) throw new RangeError('truncated piece');
      pieceBytes.push(raw);
      vocab.push(utf8.decode(raw));
      offset += 8 + length;
    }
  } catch (cause) {
    throw new RouterError('invalid_artifact', 'tok512.bin is truncated or not a llama2.c tokenizer', { cause });
  }
  const idOf = new Map<string, number>();
  vocab.forEach((piece, id) => {
    if (!idOf.has(piece)) idOf.set(piece, id);
  });
  return createTokenizer(vocab, pieceBytes, scores, idOf, options.wholeText === true);
}

function createTokenizer(
  vocab: string[],
  pieceBytes: Uint8Array[],
  scores: number[],
  idOf: Map<string, number>,
  wholeText: boolean,
): Tokenizer {
  const encoder = new TextEncoder();
  const decoder = new TextDecoder();
  const splitsAtSpaces = !wholeText && !vocab.some((piece) => /[^ ] /.test(piece));

  function encode(text: string): number[] {
    const tokens: number[] = [BOS_ID];
    if (text.length === 0) return tokens;
    const dummyPrefix = idOf.get(' ');
    if (dummyPrefix !== undefined) tokens.push(dummyPrefix);
    for (const codePoint of text) {
      const id = idOf.get(codePoint);
      if (id !== undefined) {
        tokens.push(id);
        continue;
      }
      for (const byte of encoder.encode(codePoint)) tokens.push(byte + BYTE_FALLBACK_OFFSET);
    }
    // Greedy BPE (llama2.c): merge the best-scoring adjacent pair, leftmost on ties, until none
    // applies. BOS (index 0) never merges. When no vocabulary piece has a space after another
    // character, no merge can cross the start of a space-led word, so each word merges on its own
    // and the result is identical: O(Σ word²) instead of O(text²), which matters for long prompts
    // (a 300 KB prompt took minutes whole; decision 017).
    if (!splitsAtSpaces) return [BOS_ID, ...mergeGreedy(tokens.slice(1))];
    const out = [BOS_ID];
    let start = 1;
    for (let i = 2; i <= tokens.length; i++) {
      if (i === tokens.length || (vocab[tokens[i]!] === ' ' && vocab[tokens[i - 1]!] !== ' ')) {
        out.push(...mergeGreedy(tokens.slice(start, i)));
        start = i;
      }
    }
    return out;
  }

  /** llama2.c's merge loop over one run of tokens. */
  function mergeGreedy(tokens: number[]): number[] {
    for (;;) {
      let bestScore = -Infinity;
      let bestIndex = -1;
      let bestId = -1;
      for (let i = 0; i < tokens.length - 1; i++) {
        const merged = idOf.get(vocab[tokens[i]!]! + vocab[tokens[i + 1]!]!);
        if (merged !== undefined && scores[merged]! > bestScore) {
          bestScore = scores[merged]!;
          bestIndex = i;
          bestId = merged;
        }
      }
      if (bestIndex < 0) return tokens;
      tokens.splice(bestIndex, 2, bestId);
    }
  }

  function decodePiece(previous: number, token: number): Uint8Array {
    const piece = vocab[token];
    if (piece === undefined) throw new RouterError('invalid_request', `token id ${token} is outside the vocabulary`);
    const byteMatch = /^<0x([0-9A-F]{2})>$/.exec(piece);
    if (byteMatch) return Uint8Array.of(parseInt(byteMatch[1]!, 16));
    const bytes = pieceBytes[token]!;
    return previous === BOS_ID && bytes[0] === 0x20 ? bytes.subarray(1) : bytes;
  }

  function decode(tokens: readonly number[], previous = BOS_ID): string {
    const parts: Uint8Array[] = [];
    for (let i = 0; i < tokens.length; i++) parts.push(decodePiece(i === 0 ? previous : tokens[i - 1]!, tokens[i]!));
    return decoder.decode(concatBytes(parts));
  }

  return { vocab, encode, decodePiece, decode };
}

export function concatBytes(parts: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.byteLength, 0));
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.byteLength;
  }
  return out;
}
