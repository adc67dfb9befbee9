/**
 * @module app
 * The edge proxy as a pure web-standard app (`fetch(Request) → Response`, hono): OpenAI
 * `POST /v1/chat/completions` (stream and non-stream), `GET /v1/models` and `GET /health`. Only `server.ts`
 * listens; the same app runs unchanged on edge runtimes.
 */
import { Hono, type Context } from 'hono';
import { cors } from 'hono/cors';
import { bodyLimit } from 'hono/body-limit';
import { streamSSE } from 'hono/streaming';
import { toErrorPayload } from '../core/errors.js';
import type { ChatCompletion, ChatCompletionChunk, Usage } from '../core/protocol/openai.js';
import { openAiError } from './openai-error.js';
import { chatRequestSchema, type ChatRequest } from './request-schema.js';
import type { Upstream, UpstreamRequest } from './upstream/upstream.js';

export type ProxyOptions = {
  readonly upstream: Upstream;
  /** @default 128 */
  readonly defaultMaxTokens?: number;
  /** Bearer tokens accepted on /v1/*; empty = auth off (the server says so at start). @default [] */
  readonly tokens?: readonly string[];
  /** Largest accepted request body in bytes. @default 1_000_000 */
  readonly maxBodyBytes?: number;
};

const ROUTER_HEADERS = ['x-request-id', 'x-router-served-by', 'x-router-decision'];

export function createProxyApp(options: ProxyOptions): Hono {
  const { upstream } = options;
  const app = new Hono();
  app.use('*', cors({ origin: '*', exposeHeaders: ROUTER_HEADERS, allowHeaders: ['content-type', 'authorization', 'x-request-id'] }));

  app.use('/v1/*', bodyLimit({
    maxSize: options.maxBodyBytes ?? 1_000_000,
    onError: (c) => sendError(c, openAiError('invalid_request', `request body exceeds ${options.maxBodyBytes ?? 1_000_000} bytes`), 413),
  }));
  const tokens = new Set(options.tokens ?? []);
  if (tokens.size > 0) {
    app.use('/v1/*', async (c, next) => {
      const match = /^Bearer (.+)$/i.exec(c.req.header('authorization') ?? '');
      if (!match || !tokens.has(match[1]!)) return sendError(c, openAiError('unauthorized', 'missing or unknown bearer token'));
      return next();
    });
  }

  app.get('/health', (c) => c.json({ status: 'ok', upstreams: [{ id: upstream.id, model: upstream.model }] }));
  app.get('/v1/models', (c) => c.json({ object: 'list', data: [{ id: upstream.model, object: 'model', created: 0, owned_by: upstream.id }] }));

  app.post('/v1/chat/completions', async (c) => {
    let json: unknown;
    try {
      json = await c.req.json();
    } catch {
      return sendError(c, openAiError('invalid_request', 'request body is not valid JSON'));
    }
    const parsed = chatRequestSchema.safeParse(json);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      return sendError(c, openAiError('invalid_request', issue?.message ?? 'invalid request', issue?.path.join('.') || null));
    }
    const body = parsed.data;
    if (body.model && body.model !== upstream.model && body.model !== 'auto') {
      return sendError(c, openAiError('invalid_model', `model ${body.model} is not served here; use "auto" or "${upstream.model}"`, 'model'));
    }
    const requestId = c.req.header('x-request-id') ?? crypto.randomUUID();
    c.header('x-request-id', requestId);
    c.header('x-router-served-by', upstream.id);
    c.header('x-router-decision', 'edge');
    const request: UpstreamRequest = {
      messages: body.messages,
      maxTokens: body.max_completion_tokens ?? body.max_tokens ?? options.defaultMaxTokens ?? 128,
      temperature: body.temperature ?? 0,
      seed: body.seed ?? 0,
    };
    const id = `chatcmpl-${requestId}`;
    const created = Math.floor(Date.now() / 1000);
    return body.stream ? streamCompletion(c, body, request, id, created) : completeOnce(c, request, id, created);
  });

  app.notFound((c) => sendError(c, openAiError('not_found', `no route for ${c.req.method} ${c.req.path}`)));
  app.onError((error, c) => sendError(c, openAiError('internal_error', toErrorPayload(error).message)));

  async function completeOnce(c: Context, request: UpstreamRequest, id: string, created: number): Promise<Response> {
    const abort = new AbortController();
    c.req.raw.signal?.addEventListener('abort', () => abort.abort());
    let text = '';
    const stream = upstream.generate(request, abort.signal);
    try {
      for (;;) {
        const step = await stream.next();
        if (step.done) {
          const { finishReason, promptTokens, completionTokens } = step.value;
          const completion: ChatCompletion = {
            id, object: 'chat.completion', created, model: upstream.model,
            choices: [{ index: 0, message: { role: 'assistant', content: text }, finish_reason: finishReason }],
            usage: usage(promptTokens, completionTokens),
          };
          return c.json(completion);
        }
        text += step.value;
      }
    } finally {
      await stream.return(undefined as never); // releases the upstream (its engine lock) on every exit
    }
  }

  function streamCompletion(c: Context, body: ChatRequest, request: UpstreamRequest, id: string, created: number): Response {
    return streamSSE(c, async (sse) => {
      const abort = new AbortController();
      sse.onAbort(() => abort.abort());
      const chunk = (delta: ChatCompletionChunk['choices'][number]['delta'], finish: string | null): ChatCompletionChunk => ({
        id, object: 'chat.completion.chunk', created, model: upstream.model, choices: [{ index: 0, delta, finish_reason: finish }],
      });
      const send = (data: unknown) => sse.writeSSE({ data: JSON.stringify(data) });
      const stream = upstream.generate(request, abort.signal);
      try {
        await send(chunk({ role: 'assistant', content: '' }, null));
        for (;;) {
          const step = await stream.next();
          if (step.done) {
            await send(chunk({}, step.value.finishReason));
            if (body.stream_options?.include_usage) {
              await send({ id, object: 'chat.completion.chunk', created, model: upstream.model, choices: [], usage: usage(step.value.promptTokens, step.value.completionTokens) });
            }
            break;
          }
          await send(chunk({ content: step.value }, null));
        }
      } catch (error) {
        // After the first byte the status is sent: report the failure in-stream (OpenRouter style).
        await send(openAiError('upstream_failed', toErrorPayload(error).message).body).catch(() => undefined);
      } finally {
        await stream.return(undefined as never); // a client that went away must not keep the engine
      }
      await sse.writeSSE({ data: '[DONE]' });
    });
  }

  return app;
}

function usage(prompt: number, completion: number): Usage {
  return { prompt_tokens: prompt, completion_tokens: completion, total_tokens: prompt + completion };
}

function sendError(c: Context, error: ReturnType<typeof openAiError>, status = error.status): Response {
  return c.json(error.body, status as 400);
}
