import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, normalize, relative, sep } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../node/paths.js';

// Issue 26: the layers' import boundaries, checked on every relative import of every source file.
// (dependency-cruiser would be the tool; its releases for Node 20 cannot read TypeScript 7, which
// `npx depcruise --info` shows: "x typescript >=2.0.0 <7.0.0", so this test reads the imports.)
const FOLDERS = ['core', 'workers', 'web', 'node', 'edge-proxy', 'cli', 'bench', 'testing', 'e2e'] as const;
type Arrow = { from: string; to: string; file: string };

function sources(folder: string): string[] {
  return readdirSync(join(REPO_ROOT, folder)).flatMap((name) => {
    const path = join(folder, name);
    if (statSync(join(REPO_ROOT, path)).isDirectory()) return name === 'node_modules' ? [] : sources(path);
    return path.endsWith('.ts') ? [path] : [];
  });
}

const isTest = (file: string) => /\.(test|spec)\.ts$/.test(file) || file.startsWith(`edge-proxy${sep}testing`);
const arrows: Arrow[] = FOLDERS.flatMap((folder) =>
  sources(folder).flatMap((file) => {
    const text = readFileSync(join(REPO_ROOT, file), 'utf8');
    return [...text.matchAll(/(?:from|import\()\s*['"](\.{1,2}\/[^'"]+)['"]/g)].map((m) => {
      const target = normalize(join(dirname(file), m[1]!));
      return { from: folder, to: relative('.', target).split(sep)[0]!, file };
    });
  }),
);
const product = arrows.filter((a) => !isTest(a.file));
const crossing = (from: RegExp, to: RegExp, among = product) =>
  among.filter((a) => from.test(a.from) && to.test(a.to)).map((a) => `${a.file} → ${a.to}/`);

describe('import boundaries between the folders', () => {
  it('reads the imports at all (a broken scan would pass every rule)', () => {
    expect(product.length).toBeGreaterThan(300);
    expect(product.some((a) => a.from === 'web' && a.to === 'core')).toBe(true);
  });

  it('core/ imports only core/, and no node:* module', () => {
    expect(crossing(/^core$/, /^(?!core$)/)).toEqual([]);
    const builtins = sources('core').filter(
      (f) => !isTest(f) && /from ['"]node:/.test(readFileSync(join(REPO_ROOT, f), 'utf8')),
    );
    expect(builtins).toEqual([]);
  });

  it('nothing outside e2e/ imports e2e/ (shared helpers live in testing/, the bench in bench/)', () => {
    expect(crossing(/^(?!e2e$)/, /^e2e$/, arrows)).toEqual([]);
  });

  it('node/, edge-proxy/ and workers/ never import the CLI or the widget; web/ no Node-side layer', () => {
    expect(crossing(/^(node|edge-proxy|workers)$/, /^(cli|web)$/)).toEqual([]);
    expect(crossing(/^web$/, /^(node|cli|edge-proxy|bench|testing)$/)).toEqual([]);
  });

  it('nothing below the CLI imports it: what a command shares with the bench or the tests lives in node/ or testing/', () => {
    expect(crossing(/^(?!cli$|e2e$)/, /^cli$/)).toEqual([]);
  });

  it('the product does not depend on its benchmarks or test helpers', () => {
    expect(
      crossing(/^(core|workers|web|node|edge-proxy|cli)$/, /^(bench|testing)$/).filter(
        (a) => !a.startsWith(`cli${sep}commands${sep}bench`),
      ),
    ).toEqual([]);
  });

  it('core/protocol/ is types only: the vocabulary the layers share, no logic (that lives beside it in core/)', () => {
    const logic = sources(join('core', 'protocol'))
      .filter((f) => !isTest(f))
      .flatMap((f) =>
        [
          ...readFileSync(join(REPO_ROOT, f), 'utf8').matchAll(
            /^export\s+(?:async\s+)?(function|class|const|let)\s+(\w+)/gm,
          ),
        ].map((m) => `${f}: ${m[1]} ${m[2]}`),
      );
    expect(logic).toEqual([]);
  });
});
