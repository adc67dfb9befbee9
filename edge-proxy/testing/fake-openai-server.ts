/**
 * @module testing/fake-openai-server
 * A controllable OpenAI-compatible server on loopback (real HTTP) for the upstream contract,
 * the fault matrix and the proxy benchmark. `behaviour` picks what the next requests get.
 * It also does what an agent needs (issue 12): given `tools` it calls one (the `tool_choice`, or
 * the first) with arguments that fit the tool's JSON schema; given a tool result it answers with
 * it; given `response_format` json_object or json_schema it answers with JSON.
 */
import { createServer, type Server } from 'node:http';
import { type AgentRequest, embeddings, judgeVote, toolCallFor, writtenAnswer } from './fake-agent-answers.js';

export type Behaviour =
  | 'ok'
  | 'status400'
  | 'status500'
  | 'status429'
  | 'hang'
  | 'cut'
  | 'slow_first_token'
  | 'huge_event';

export type FakeOpenAiServer = {
  readonly url: string; // base URL ending in /v1
  behaviour: Behaviour;
  /** Words of the canned answer. */
  answer: string[];
  /**
   * As a judge (a request with the pairwise judge's [[A]]/[[B]]/[[C]] instructions): the answer
   * containing this text wins, whichever position it is in; both or neither: a tie.
   */
  judgePrefers: string;
  requests: number;
  /** The body of the last request, as the upstream received it. */
  lastBody: Record<string, unknown> | undefined;
  /** Requests whose client connection closed before the answer finished. */
  aborted: number;
  /** TCP connections accepted (keep-alive reuse shows as fewer connections than requests). */
  connections: number;
  close(): Promise<void>;
};

export async function startFakeOpenAiServer(
  options: {
    slowFirstTokenMs?: number /** Between the two halves of a streamed call's arguments. */;
    toolArgumentsGapMs?: number;
  } = {},
): Promise<FakeOpenAiServer> {
  const state: Omit<FakeOpenAiServer, 'url' | 'close'> = {
    behaviour: 'ok',
    answer: 'Paris is the capital of France .'.split(' '),
    judgePrefers: 'Paris',
    requests: 0,
    lastBody: undefined,
    aborted: 0,
    connections: 0,
  };
  const server: Server = createServer((req, res) => {
    let body = '';
    req.on('data', (d: Buffer) => {
      body += d.toString();
    });
    req.on('end', () => {
      state.requests++;
      const request = JSON.parse(body || '{}') as AgentRequest & {
        stream?: boolean;
        max_tokens?: number;
        model?: string;
      };
      state.lastBody = request as unknown as Record<string, unknown>;
      if (req.url?.endsWith('/embeddings'))
        return embeddings(request as unknown as { input: string | string[]; model: string }, res);
      const call = toolCallFor(request);
      const written = judgeVote(request, state.judgePrefers) ?? writtenAnswer(request);
      const source = written ? [written] : state.answer;
      const words = call
        ? []
        : source.slice(0, request.max_tokens ?? source.length).map((w, i) => (i === 0 ? w : ` ${w}`));
      let finished = false;
      res.on('close', () => {
        if (!finished) state.aborted++;
      });
      const end = (data?: string) => {
        finished = true;
        res.end(data);
      };
      switch (state.behaviour) {
        case 'status500':
          res.writeHead(500, { 'content-type': 'application/json' });
          return end(
            JSON.stringify({
              error: {
                message: 'internal boom at db-7.internal:5432 (org-SECRETORG)',
                type: 'server_error',
                code: 'internal',
                param: null,
              },
            }),
          );
        case 'status400':
          res.writeHead(400, { 'content-type': 'application/json' });
          return end(
            JSON.stringify({
              error: {
                message: "Invalid value for 'logit_bias'.",
                type: 'invalid_request_error',
                code: 'invalid_value',
                param: 'logit_bias',
              },
            }),
          );
        case 'status429':
          res.writeHead(429, { 'content-type': 'application/json', 'retry-after': '7' });
          return end(
            JSON.stringify({
              error: { message: 'slow down', type: 'rate_limit_error', code: 'rate_limited', param: null },
            }),
          );
        case 'hang':
          return; // never answers
        default:
      }
      const chunk = (delta: object, finish: string | null) => ({
        id: 'x',
        object: 'chat.completion.chunk',
        created: 0,
        model: request.model ?? 'fake',
        choices: [{ index: 0, delta, finish_reason: finish }],
      });
      if (!request.stream) {
        res.writeHead(200, { 'content-type': 'application/json' });
        const message = call
          ? { role: 'assistant', content: null, tool_calls: [call] }
          : { role: 'assistant', content: words.join('') };
        return end(
          JSON.stringify({
            id: 'x',
            object: 'chat.completion',
            created: 0,
            model: request.model ?? 'fake',
            choices: [{ index: 0, message, finish_reason: call ? 'tool_calls' : 'stop' }],
            usage: { prompt_tokens: 3, completion_tokens: words.length, total_tokens: 3 + words.length },
          }),
        );
      }
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      const send = (data: unknown) => res.write(`data: ${typeof data === 'string' ? data : JSON.stringify(data)}\n\n`);
      const go = () => {
        send(chunk({ role: 'assistant', content: '' }, null));
        if (state.behaviour === 'huge_event') {
          send(chunk({ content: 'x'.repeat(10 * 1024 * 1024) }, null));
          finished = true;
          res.end();
          return;
        }
        for (const [i, w] of words.entries()) {
          if (state.behaviour === 'cut' && i === 2) {
            finished = true;
            setTimeout(() => res.destroy(), 30);
            return;
          } // after the first words are on the wire
          send(chunk({ content: w }, null));
        }
        if (call) {
          // as OpenAI streams it: id and name first, then the arguments in pieces
          const half = Math.ceil(call.function.arguments.length / 2);
          send(
            chunk(
              {
                tool_calls: [
                  { index: 0, id: call.id, type: 'function', function: { name: call.function.name, arguments: '' } },
                ],
              },
              null,
            ),
          );
          send(
            chunk(
              { tool_calls: [{ index: 0, function: { arguments: call.function.arguments.slice(0, half) } }] },
              null,
            ),
          );
        }
        const rest = () => {
          if (call) {
            const half = Math.ceil(call.function.arguments.length / 2);
            send(
              chunk({ tool_calls: [{ index: 0, function: { arguments: call.function.arguments.slice(half) } }] }, null),
            );
          }
          send(chunk({}, call ? 'tool_calls' : words.length < source.length ? 'length' : 'stop'));
          send({
            ...chunk({}, null),
            choices: [],
            usage: { prompt_tokens: 3, completion_tokens: words.length, total_tokens: 3 + words.length },
          });
          send('[DONE]');
          end();
        };
        // A model still writing the call's arguments: the second half comes later.
        if (call && options.toolArgumentsGapMs) setTimeout(rest, options.toolArgumentsGapMs);
        else rest();
      };
      if (state.behaviour === 'slow_first_token') setTimeout(go, options.slowFirstTokenMs ?? 300);
      else go();
    });
  });
  server.on('connection', () => {
    state.connections++;
  });
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((r) => server.listen({ port: 0, host: '127.0.0.1', backlog: 4096 }, () => r()));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  const fake = state as FakeOpenAiServer;
  Object.assign(fake, {
    url: `http://127.0.0.1:${port}/v1`,
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  });
  return fake;
}
