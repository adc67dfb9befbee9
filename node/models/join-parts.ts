/**
 * @module node/models/join-parts
 * Joins a model's parts into one file, hashing as it writes, and refuses a result of the wrong
 * size or sha256 (`artifact_mismatch`) without leaving it in place: the file appears under its
 * name only once verified, so a cut-off fetch never looks like a model.
 */
import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream, renameSync, rmSync, statSync } from 'node:fs';
import { pipeline } from 'node:stream/promises';
import { RouterError } from '../../core/errors.js';

export async function joinVerified(
  parts: readonly { file: string; size: number }[],
  target: string,
  expected: { size: number; sha256: string },
): Promise<void> {
  for (const p of parts) {
    const size = statSync(p.file).size;
    if (size !== p.size)
      throw new RouterError('artifact_mismatch', `${p.file} is ${size} bytes, the catalogue says ${p.size}`);
  }
  const partial = `${target}.partial`;
  const hash = createHash('sha256');
  const out = createWriteStream(partial);
  try {
    for (const p of parts) {
      await pipeline(
        createReadStream(p.file),
        async function* (source: AsyncIterable<Buffer>) {
          for await (const chunk of source) {
            hash.update(chunk);
            yield chunk;
          }
        },
        out,
        { end: false },
      );
    }
    await new Promise<void>((done, fail) => out.end((error?: Error | null) => (error ? fail(error) : done())));
    const size = statSync(partial).size;
    const sha256 = hash.digest('hex');
    if (size !== expected.size)
      throw new RouterError('artifact_mismatch', `the joined file is ${size} bytes, expected ${expected.size}`);
    if (sha256 !== expected.sha256)
      throw new RouterError('artifact_mismatch', `the joined file has sha256 ${sha256}, expected ${expected.sha256}`);
    renameSync(partial, target);
  } finally {
    out.destroy();
    rmSync(partial, { force: true });
  }
}
