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
    rollupOptions: { input: { main: resolve(import.meta.dirname, 'index.html'), harness: resolve(import.meta.dirname, 'e2e/harness.html') } },
  },
});
