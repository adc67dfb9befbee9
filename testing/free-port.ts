/**
 * @module testing/free-port
 * A port the OS says is free now, for a server a test starts in another process. A random port
 * in a fixed range can collide with another suite's ephemeral port (EADDRINUSE, seen in CI).
 */
import { createServer } from 'node:net';

export const freePort = () =>
  new Promise<number>((ok, fail) => {
    const probe = createServer()
      .once('error', fail)
      .listen(0, '127.0.0.1', () => {
        const { port } = probe.address() as { port: number };
        probe.close(() => ok(port));
      });
  });
