import { defineConfig, type Plugin } from 'vite';
import { resolve } from 'node:path';
import { rmSync } from 'node:fs';
import { constants } from 'node:zlib';
import { compression, defineAlgorithm } from 'vite-plugin-compression2';

/**
 * `dist/` is what a site owner copies: the widget (`riskgate-chat.js`, its chunks, the worker and
 * the ORT wasm under `assets/`) and the models it loads, nothing else. `base: './'` makes every
 * URL the widget loads relative to the script's own URL, so `dist/` works in any folder and from
 * another origin (docs/decisions/014-deploy-anywhere.md). The demo page (`index.html`) and the
 * test harness are served beside it by `cli/serve.ts`, never built into it.
 */
const NOT_SHIPPED = [
  'models/selector.onnx', // the edge proxy's, read from public/models by the server
  'models/stories260K/stories260K.bin', // the converter's input; the browser loads model.onnx
];

function dropFromDist(paths: readonly string[]): Plugin {
  let outDir = 'dist';
  return {
    name: 'riskgate:drop-from-dist',
    apply: 'build',
    configResolved(config) { outDir = config.build.outDir; },
    writeBundle() { for (const path of paths) rmSync(resolve(outDir, path), { force: true }); },
  };
}

export default defineConfig({
  base: './',
  worker: { format: 'es' },
  optimizeDeps: { exclude: ['onnxruntime-web'] },
  plugins: [
    dropFromDist(NOT_SHIPPED),
    // Precompressed copies beside each file; the production server (sirv) sends them as they are.
    // Brotli quality 9, not 11: the ORT wasm is 2.69 MB instead of 2.36 MB, and the build takes
    // 10 s instead of 90 s (measured here); gzip stays for clients without brotli.
    compression({ algorithms: ['gzip', defineAlgorithm('brotliCompress', { params: { [constants.BROTLI_PARAM_QUALITY]: 9 } })], include: /\.(js|mjs|wasm|json|onnx|bin|css|svg|md)$/, threshold: 1024, skipIfLargerOrEqual: true }),
  ],
  build: {
    target: 'es2022',
    chunkSizeWarningLimit: 30_000,
    rollupOptions: {
      // The drop-in widget: one stable file name a third-party page can point a script tag at.
      input: { 'riskgate-chat': resolve(import.meta.dirname, 'web/embed.ts') },
      output: { entryFileNames: (chunk) => (chunk.name === 'riskgate-chat' ? 'riskgate-chat.js' : 'assets/[name]-[hash].js') },
      preserveEntrySignatures: 'exports-only',
    },
  },
});
