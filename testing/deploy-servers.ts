/**
 * @module testing/deploy-servers
 * How a site owner deploys the widget, for the journeys: a copy of the built `dist/` in a
 * sub-folder of a site, served by a plain static server the test starts, next to a host page
 * that is not part of our build; optionally from a second origin (a CDN).
 */
import { cpSync, mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { REPO_ROOT } from '../node/paths.js';
import { startStaticServer, type StaticServer } from '../node/static-server.js';

/** A site folder with `dist/` copied to `<folder>/` and the given pages at its root. */
export function siteWithWidget(folder: string | undefined, pages: Record<string, string>): string {
  const root = mkdtempSync(join(tmpdir(), 'riskgate-site-'));
  if (folder) cpSync(resolve(REPO_ROOT, 'dist'), join(root, folder), { recursive: true });
  for (const [path, body] of Object.entries(pages)) {
    mkdirSync(join(root, path, '..'), { recursive: true });
    writeFileSync(join(root, path), body);
  }
  return root;
}

export const serveSite = (
  root: string,
  options: { isolation?: boolean; headers?: Record<string, string> } = {},
): Promise<StaticServer> => startStaticServer({ port: 0, distDir: root, ...options });

/** A host page with exactly the README's two tags. */
export const hostPage = (
  scriptSrc: string,
  attributes: string,
) => `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>A shop</title></head>
<body><main><h1>A shop</h1><script type="module" src="${scriptSrc}"></script>
<riskgate-chat ${attributes}></riskgate-chat></main></body></html>`;
