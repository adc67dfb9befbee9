import { defineConfig } from '@playwright/test';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from './node/chromium.js';

/** Ports of the test servers (distinct from `npm start`'s 5173/8787 so both can run at once). */
export const E2E_APP_PORT = 4173;
export const E2E_PROXY_PORT = 8788;

export { CHROMIUM_ARGS };

export default defineConfig({
  forbidOnly: Boolean(process.env.CI),
  testDir: 'e2e',
  testMatch: '*.spec.ts',
  timeout: 120_000,
  workers: 1,
  fullyParallel: false,
  reporter: [['list'], ['json', { outputFile: 'test-results/e2e.json' }]],
  use: {
    browserName: 'chromium',
    headless: true,
    baseURL: `http://localhost:${E2E_APP_PORT}`,
    launchOptions: { executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS },
  },
  webServer: [
    // The production static server over the built dist/ (not Vite): what `npm start` serves.
    {
      command: 'npx tsx node/static-server.ts',
      url: `http://localhost:${E2E_APP_PORT}/`,
      reuseExistingServer: false,
      env: { PORT: String(E2E_APP_PORT), PROXY_PORT: String(E2E_PROXY_PORT) },
    },
    {
      command: 'npx tsx edge-proxy/server.ts',
      url: `http://localhost:${E2E_PROXY_PORT}/health`,
      reuseExistingServer: false,
      env: { PROXY_PORT: String(E2E_PROXY_PORT), CORS_ORIGINS: '*', LOG_LEVEL: 'silent' },
    },
  ],
});
