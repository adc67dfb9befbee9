/**
 * @module cli/representations/representation-file
 * What `riskgate represent` writes and `train`/`calibrate --representations` read: one JSON header
 * line (`riskgate.representations/1`: what was read, from which model, over which prompts), then
 * the vectors as little-endian float32 rows in the header's order. Rows are keyed by the sha256 of
 * the prompt text, so the file serves any dataset whose prompts it covers.
 */
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { RouterError } from '../../core/errors.js';
import type { RepresentationInfo } from '../../core/gate/gate-graph.js';

export const REPRESENTATIONS_FORMAT = 'riskgate.representations/1';

export type RepresentationsHeader = {
  readonly format: typeof REPRESENTATIONS_FORMAT;
  readonly representation: RepresentationInfo;
  /** sha256 of each row's prompt text, in row order. */
  readonly prompt_sha256: readonly string[];
  /** The dataset these rows were computed for (datasetSha256 of its usable records). */
  readonly data_sha256: string;
  /** Where the model was read from, and its models.json entry (a gate for it is declared there). */
  readonly models_url: string;
  readonly webllm_entry?: Readonly<Record<string, unknown>>;
  /** Engine, rung and why, as the worker reported them. */
  readonly engine: Readonly<Record<string, unknown>>;
  readonly truncated_prompts: number;
};

export const promptSha256 = (prompt: string): string => createHash('sha256').update(prompt).digest('hex');

export function writeRepresentationsFile(
  path: string,
  header: RepresentationsHeader,
  vectors: readonly Float32Array[],
): void {
  const dim = header.representation.dim;
  const body = new Float32Array(vectors.length * dim);
  vectors.forEach((v, i) => {
    if (v.length !== dim) throw new RouterError('internal_error', `row ${i} has ${v.length} values, not ${dim}`);
    body.set(v, i * dim);
  });
  const head = Buffer.from(`${JSON.stringify(header)}\n`);
  writeFileSync(path, Buffer.concat([head, Buffer.from(body.buffer)]));
}

export type RepresentationsFile = {
  readonly header: RepresentationsHeader;
  byPrompt(prompt: string): Float32Array | undefined;
};

export function readRepresentationsFile(path: string): RepresentationsFile {
  let bytes: Buffer;
  try {
    bytes = readFileSync(path);
  } catch (cause) {
    throw new RouterError(
      'invalid_request',
      `cannot read the representations file ${path} (${(cause as Error).message})`,
      { cause },
    );
  }
  const newline = bytes.indexOf(0x0a);
  let header: RepresentationsHeader | undefined;
  try {
    header =
      newline > 0 ? (JSON.parse(bytes.subarray(0, newline).toString('utf8')) as RepresentationsHeader) : undefined;
  } catch {
    header = undefined;
  }
  if (header?.format !== REPRESENTATIONS_FORMAT)
    throw new RouterError(
      'invalid_artifact',
      `${path} is not a ${REPRESENTATIONS_FORMAT} file (write one with \`riskgate represent\`)`,
    );
  const { dim } = header.representation;
  const rows = header.prompt_sha256.length;
  const body = bytes.subarray(newline + 1);
  if (body.length !== rows * dim * 4)
    throw new RouterError(
      'invalid_artifact',
      `${path} should hold ${rows} rows of ${dim} float32 values (${rows * dim * 4} bytes) after its header, not ${body.length} bytes: truncated?`,
    );
  const flat = new Float32Array(new Uint8Array(body).buffer);
  const index = new Map(header.prompt_sha256.map((sha, i) => [sha, i]));
  return {
    header,
    byPrompt(prompt) {
      const i = index.get(promptSha256(prompt));
      return i === undefined ? undefined : flat.slice(i * dim, (i + 1) * dim);
    },
  };
}
