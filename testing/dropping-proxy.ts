/**
 * @module testing/dropping-proxy
 * A TCP-level fault between the page and the edge proxy: forwards every request, but for the
 * first `drop` chat completions it lets the proxy answer completely, then cuts the connection
 * before the client reads a byte — the "response lost on the way back" case the outbox's
 * Idempotency-Key exists for.
 */
import { createServer, request, type Server } from 'node:http';

export type DroppingProxy = { readonly url: string; readonly dropped: () => number; close(): Promise<void> };

export async function startDroppingProxy(target: string, drop: number): Promise<DroppingProxy> {
  let dropped = 0;
  const server: Server = createServer((req, res) => {
    const to = new URL(req.url ?? '/', target);
    const upstream = request(to, { method: req.method, headers: { ...req.headers, host: to.host } }, (answer) => {
      const cut = req.method === 'POST' && to.pathname.endsWith('/chat/completions') && dropped < drop;
      if (!cut) {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
        return;
      }
      answer.resume(); // the proxy finishes its answer…
      answer.on('end', () => {
        dropped++;
        res.socket?.destroy();
      }); // …which never reaches the client
    });
    upstream.on('error', () => res.socket?.destroy());
    req.pipe(upstream);
  });
  await new Promise<void>((ok) => server.listen(0, ok));
  return {
    url: `http://localhost:${(server.address() as { port: number }).port}`,
    dropped: () => dropped,
    close: () =>
      new Promise<void>((ok) => {
        server.closeAllConnections();
        server.close(() => ok());
      }),
  };
}
