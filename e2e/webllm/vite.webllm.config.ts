/**
 * The real-runtime test build (issue 13): the widget exactly as `npm run build` makes it, except
 * that `@mlc-ai/web-llm` resolves to web-llm 0.2.79 behind the observe-only probe. 0.2.79 is the
 * only release that loads the offline kit's compiled libraries (../shared/webllm-kit/README.md).
 */
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { InlineConfig } from 'vite';

const root = resolve(fileURLToPath(new URL('../..', import.meta.url)));

export function webLlmTestBuildConfig(outDir: string): InlineConfig {
  return {
    root,
    configFile: resolve(root, 'vite.config.ts'),
    logLevel: 'warn',
    resolve: { alias: [{ find: /^@mlc-ai\/web-llm$/, replacement: resolve(root, 'e2e/webllm/webllm-probe.ts') }] },
    build: { outDir, emptyOutDir: true },
  };
}
