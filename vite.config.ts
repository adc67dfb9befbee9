import { defineConfig } from 'vite';
import { resolve } from 'node:path';

// COOP/COEP make the page crossOriginIsolated (SharedArrayBuffer for ORT threads).
const isolation = { 'Cross-Origin-Opener-Policy': 'same-origin', 'Cross-Origin-Embedder-Policy': 'require-corp' };

export default defineConfig({
  server: { headers: isolation, port: Number(process.env.PORT ?? 5173), strictPort: true },
  preview: { headers: isolation, port: Number(process.env.PORT ?? 5173), strictPort: true },
  worker: { format: 'es' },
  optimizeDeps: { exclude: ['onnxruntime-web'] },
  build: {
    target: 'es2022',
    chunkSizeWarningLimit: 30_000,
    rollupOptions: {
      input: {
        main: resolve(import.meta.dirname, 'index.html'),
        harness: resolve(import.meta.dirname, 'e2e/harness.html'),
        // The drop-in widget: one stable file name a third-party page can point a script tag at.
        'riskgate-chat': resolve(import.meta.dirname, 'web/embed.ts'),
      },
      output: { entryFileNames: (chunk) => (chunk.name === 'riskgate-chat' ? 'riskgate-chat.js' : 'assets/[name]-[hash].js') },
    },
  },
});
