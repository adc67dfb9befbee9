/**
 * @module upstream/undici-transport
 * `HttpTransport` on undici's `request` (Node streams, no WHATWG Request/Response per call): what
 * the Node server uses. It measured about 3.6× cheaper per request than `fetch` on loopback
 * (decision 005). Node-only, so it stays out of app.ts.
 */
import { request } from 'undici';
import type { HttpTransport } from './http-transport.js';

export const undiciTransport: HttpTransport = {
  async post(url, headers, body, signal) {
    const response = await request(url, { method: 'POST', headers, body, signal });
    // A manual iterator: `for await` would destroy the stream (and the kept-alive socket) on an early exit.
    const chunks = response.body[Symbol.asyncIterator]() as AsyncIterator<Uint8Array>;
    return {
      status: response.statusCode,
      header: (name) => {
        const value = response.headers[name.toLowerCase()];
        return (Array.isArray(value) ? value[0] : value) ?? null;
      },
      body: { next: () => chunks.next() },
      text: () => response.body.text(),
    };
  },
};
