/**
 * @module node/chromium
 * The Chromium every browser run uses: Debian's package (or CHROMIUM_PATH), headless, with WebGPU.
 */
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-dev-shm-usage',
  '--enable-unsafe-webgpu', // Debian's headless Chromium exposes WebGPU (SwiftShader) only with this flag
];
