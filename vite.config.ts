import { defineConfig, type Plugin } from 'vite';
import { resolve } from 'node:path';
import { rmSync } from 'node:fs';
import { constants } from 'node:zlib';
import { compression, defineAlgorithm } from 'vite-plugin-compression2';
import { VitePWA } from 'vite-plugin-pwa';
import { type WebAppManifest, webAppManifest, widgetIcons } from './core/offline/web-app-manifest.js';

/**
 * The offline-first assistant (issue 16; docs/decisions/016-offline-first.md): a Workbox service
 * worker (`sw.js`) and a web app manifest, built into dist/ beside the widget. A page opts in with
 * `registerOfflineApp()` from riskgate-chat.js. Precached (content-revisioned, so a new build is a
 * new version): the widget, its worker, the WASM-only ORT build and the models. The WebGPU ORT
 * build and web-llm are cached when first used; pages are cached by the page itself on its first
 * visit and served network-first.
 */
/** vite-plugin-pwa's types want mutable arrays; the manifest is built once and not changed. */
const mutable = (m: WebAppManifest) => ({ ...m, icons: [...m.icons] });

const offlineApp = VitePWA({
  strategies: 'generateSW',
  registerType: 'prompt',
  injectRegister: false,
  filename: 'sw.js',
  manifestFilename: 'manifest.webmanifest',
  includeManifestIcons: false,
  manifest: mutable(
    webAppManifest({
      name: 'riskgate assistant',
      shortName: 'riskgate',
      description: 'A chat that answers on your device when it safely can, and asks a larger model otherwise.',
      startUrl: './',
      scope: './',
      backgroundColor: '#f6f7fb',
      themeColor: '#2c5cc5',
      icons: widgetIcons('./'),
    }),
  ),
  workbox: {
    globPatterns: [
      'riskgate-chat.js',
      'manifest.webmanifest',
      'icons/*',
      'assets/router.worker-*.js',
      'assets/highlight-*.js',
      'assets/rolldown-runtime-*.js',
      'assets/ort.wasm.bundle.min-*.js',
      'assets/ort-wasm-simd-threaded-*.{wasm,mjs}',
      'models/**/*.{json,onnx,bin,md}',
    ],
    // The calibration set is read only under cost-model="live" (decision 023): cached when first used, not installed for every visitor.
    globIgnores: ['**/*.br', '**/*.gz', '**/*.calibration-set.json'],
    maximumFileSizeToCacheInBytes: 16 * 1024 * 1024,
    navigateFallback: null,
    cleanupOutdatedCaches: true,
    runtimeCaching: [
      {
        urlPattern: ({ request }) => request.mode === 'navigate',
        handler: 'NetworkFirst',
        options: { cacheName: 'riskgate-pages', networkTimeoutSeconds: 4 },
      },
      {
        urlPattern: /\/assets\/[^/]+-[\w-]{8}\.(js|mjs|wasm)$/,
        handler: 'CacheFirst',
        options: { cacheName: 'riskgate-assets', expiration: { maxEntries: 40 } },
      },
      // Not content-named, and the worker checks its sha256: the network's copy first, the cached one offline.
      {
        urlPattern: /\.calibration-set\.json$/,
        handler: 'NetworkFirst',
        options: { cacheName: 'riskgate-calibration', networkTimeoutSeconds: 4, expiration: { maxEntries: 4 } },
      },
    ],
  },
});

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
    configResolved(config) {
      outDir = config.build.outDir;
    },
    writeBundle() {
      for (const path of paths) rmSync(resolve(outDir, path), { force: true });
    },
  };
}

export default defineConfig({
  base: './',
  worker: { format: 'es' },
  optimizeDeps: { exclude: ['onnxruntime-web'] },
  plugins: [
    dropFromDist(NOT_SHIPPED),
    offlineApp,
    // Precompressed copies beside each file; the production server (sirv) sends them as they are.
    // Brotli quality 9, not 11: the ORT wasm is 2.69 MB instead of 2.36 MB, and the build takes
    // 10 s instead of 90 s (measured here); gzip stays for clients without brotli.
    compression({
      algorithms: ['gzip', defineAlgorithm('brotliCompress', { params: { [constants.BROTLI_PARAM_QUALITY]: 9 } })],
      include: /\.(js|mjs|wasm|json|onnx|bin|css|svg|md)$/,
      threshold: 1024,
      skipIfLargerOrEqual: true,
    }),
  ],
  build: {
    target: 'es2022',
    chunkSizeWarningLimit: 30_000,
    rollupOptions: {
      // The drop-in widget: one stable file name a third-party page can point a script tag at.
      input: { 'riskgate-chat': resolve(import.meta.dirname, 'web/embed.ts') },
      output: {
        entryFileNames: (chunk) => (chunk.name === 'riskgate-chat' ? 'riskgate-chat.js' : 'assets/[name]-[hash].js'),
      },
      preserveEntrySignatures: 'exports-only',
    },
  },
});
