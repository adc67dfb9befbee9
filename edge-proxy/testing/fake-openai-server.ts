/**
 * @module testing/fake-openai-server
 * A controllable OpenAI-compatible server on loopback (real HTTP) for the upstream contract,
 * the fault matrix and the proxy benchmark. `behaviour` picks what the next requests get.
 */
import { createServer, type Server } from 'node:http';

export type Behaviour = 'ok' | 'status500' | 'status429' | 'hang' | 'cut' | 'slow_first_token' | 'huge_event';

export type FakeOpenAiServer = {
  readonly url: string; // base URL ending in /v1
  behaviour: Behaviour;
  /** Words of the canned answer. */
  answer: string[];
  requests: number;
  /** Requests whose client connection closed before the answer finished. */
  aborted: number;
  /** TCP connections accepted (keep-alive reuse shows as fewer connections than requests). */
  connections: number;
  close(): Promise<void>;
};

export async function startFakeOpenAiServer(options: { slowFirstTokenMs?: number } = {}): Promise<FakeOpenAiServer> {
  const state: Omit<FakeOpenAiServer, 'url' | 'close'> = { behaviour: 'ok', answer: 'Paris is the capital of France .'.split(' '), requests: 0, aborted: 0, connections: 0 };
  const server: Server = createServer((req, res) => {
    let body = '';
    req.on('data', (d: Buffer) => { body += d.toString(); });
    req.on('end', () => {
      state.requests++;
      const request = JSON.parse(body || '{}') as { stream?: boolean; max_tokens?: number; model?: string };
      const words = state.answer.slice(0, request.max_tokens ?? state.answer.length).map((w, i) => (i === 0 ? w : ` ${w}`));
      let finished = false;
      res.on('close', () => { if (!finished) state.aborted++; });
      const end = (data?: string) => { finished = true; res.end(data); };
      switch (state.behaviour) {
        case 'status500':
          res.writeHead(500, { 'content-type': 'application/json' });
          return end(JSON.stringify({ error: { message: 'internal boom at db-7.internal:5432 (org-SECRETORG)', type: 'server_error', code: 'internal', param: null } }));
        case 'status429':
          res.writeHead(429, { 'content-type': 'application/json', 'retry-after': '7' });
          return end(JSON.stringify({ error: { message: 'slow down', type: 'rate_limit_error', code: 'rate_limited', param: null } }));
        case 'hang':
          return; // never answers
        default:
      }
      const chunk = (delta: object, finish: string | null) => ({ id: 'x', object: 'chat.completion.chunk', created: 0, model: request.model ?? 'fake', choices: [{ index: 0, delta, finish_reason: finish }] });
      if (!request.stream) {
        res.writeHead(200, { 'content-type': 'application/json' });
        return end(JSON.stringify({ id: 'x', object: 'chat.completion', created: 0, model: request.model ?? 'fake', choices: [{ index: 0, message: { role: 'assistant', content: words.join('') }, finish_reason: 'stop' }], usage: { prompt_tokens: 3, completion_tokens: words.length, total_tokens: 3 + words.length } }));
      }
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      const send = (data: unknown) => res.write(`data: ${typeof data === 'string' ? data : JSON.stringify(data)}\n\n`);
      const go = () => {
        send(chunk({ role: 'assistant', content: '' }, null));
        if (state.behaviour === 'huge_event') { send(chunk({ content: 'x'.repeat(10 * 1024 * 1024) }, null)); finished = true; res.end(); return; }
        for (const [i, w] of words.entries()) {
          if (state.behaviour === 'cut' && i === 2) { finished = true; setTimeout(() => res.destroy(), 30); return; } // after the first words are on the wire
          send(chunk({ content: w }, null));
        }
        send(chunk({}, words.length < state.answer.length ? 'length' : 'stop'));
        send({ ...chunk({}, null), choices: [], usage: { prompt_tokens: 3, completion_tokens: words.length, total_tokens: 3 + words.length } });
        send('[DONE]');
        end();
      };
      if (state.behaviour === 'slow_first_token') setTimeout(go, options.slowFirstTokenMs ?? 300);
      else go();
    });
  });
  server.on('connection', () => { state.connections++; });
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  const fake = state as FakeOpenAiServer;
  Object.assign(fake, {
    url: `http://127.0.0.1:${port}/v1`,
    close: () => new Promise<void>((r) => { server.closeAllConnections(); server.close(() => r()); }),
  });
  return fake;
}
