/**
 * @module respond-stream
 * A streamed answer as OpenAI SSE. The stream opens on the first piece (so a failure before it can
 * still be an honest HTTP status, with Retry-After on 429) or, if the upstream is slow, after
 * `keepalive_ms` with `: keep-alive` comments; after that, errors arrive as an `error` event.
 */
import type { ChatCompletionChunk } from '../core/protocol/openai.js';
import type { AnswerSlot } from './chat-completions.js';
import { usageOf, type AnswerServing } from './answer-serving.js';
import { failureResponse, publicFailure } from './chat-failure.js';
import { serveWithFailover, type Served } from './failover.js';
import { openAiError } from './openai-error.js';
import { createSseWriter, SSE_HEADERS } from './sse-response.js';

type Delta = ChatCompletionChunk['choices'][number]['delta'];
export type StreamOptions = { readonly includeUsage: boolean; readonly slot?: AnswerSlot | undefined };

export async function respondStream(serving: AnswerServing, { includeUsage, slot }: StreamOptions): Promise<Response> {
  const { config, lifetime, account, headers } = serving;
  const sse = createSseWriter(() => lifetime.cancel());
  let model: string | undefined;
  let streamedToolCalls = false;
  const chunk = (delta: Delta, finish: string | null): ChatCompletionChunk => ({
    id: serving.completionId,
    object: 'chat.completion.chunk',
    created: serving.created,
    model: model ?? 'auto',
    choices: [{ index: 0, delta, finish_reason: finish }],
  });
  let open!: () => void;
  const opened = new Promise<'opened'>((resolve) => {
    open = () => resolve('opened');
  });
  const keepAlive = setInterval(() => {
    open();
    void sse.comment('keep-alive');
  }, config.keepalive_ms);
  const served = serveWithFailover(serving.ladder, serving.request, lifetime.signal, serving.failover, {
    onAttemptFailed: serving.onAttemptFailed,
    async onPiece(piece, candidate) {
      account.streamed(candidate.usdPer1kTokens);
      if (model === undefined) {
        clearInterval(keepAlive);
        model = candidate.upstream.model;
        headers['x-router-served-by'] = candidate.upstream.id;
        open();
        await sse.data(chunk({ role: 'assistant', content: '' }, null));
      }
      if (typeof piece === 'string') await sse.data(chunk({ content: piece }, null));
      else {
        // Tool-call pieces go on as they arrive, in OpenAI's delta shape (decision 034).
        streamedToolCalls = true;
        await sse.data(chunk({ tool_calls: piece.toolCalls }, null));
      }
    },
  });
  const first = await Promise.race([
    opened,
    served.then(
      () => 'served' as const,
      () => 'failed' as const,
    ),
  ]);
  if (first === 'failed') {
    await account.refund();
    clearInterval(keepAlive);
    lifetime.end();
    return failureResponse(await served.catch((e: unknown) => e), headers, serving.log, lifetime.timedOutAfterMs());
  }
  if (slot) slot.held = true;
  if (first === 'served') headers['x-router-served-by'] ??= (await served).candidate.upstream.id;

  const finish = async (done: Served) => {
    if (model === undefined) {
      // An empty answer still opens with the role chunk.
      model = done.candidate.upstream.model;
      await sse.data(chunk({ role: 'assistant', content: '' }, null));
    }
    const { toolCalls, finishReason, promptTokens, completionTokens } = done.result;
    // Calls an upstream reported only whole (none streamed) go out whole, in one delta.
    if (toolCalls?.length && !streamedToolCalls)
      await sse.data(chunk({ tool_calls: toolCalls.map((call, index) => ({ index, ...call })) }, null));
    await sse.data(chunk({}, finishReason));
    if (includeUsage)
      await sse.data({ ...chunk({}, null), choices: [], usage: usageOf(promptTokens, completionTokens) });
    await account.served(done);
  };
  const fail = async (error: unknown) => {
    await account.cut().catch(() => undefined);
    const timedOut = lifetime.timedOutAfterMs();
    const code = timedOut !== undefined ? 'request_timeout' : 'stream_error';
    serving.metrics.errors.inc({ code, upstream: headers['x-router-served-by'] ?? 'none' });
    const message = publicFailure(error, serving.requestId, serving.log);
    const id = serving.requestId;
    const event = lifetime.drained()
      ? openAiError('overloaded', `the proxy is restarting and ended this answer; retry (request id ${id})`)
      : timedOut !== undefined
        ? openAiError('request_timeout', `the answer ran past ${timedOut} ms (request_timeout_ms); request id ${id}`)
        : openAiError('upstream_failed', message);
    await sse.data(event.body);
  };
  void (async () => {
    try {
      const done = await served;
      clearInterval(keepAlive);
      await finish(done);
    } catch (error) {
      clearInterval(keepAlive);
      await fail(error);
    }
    lifetime.end();
    await sse.done();
    slot?.release(); // after [DONE] is written: a drain waits for the slot, then closes the connection
  })();
  return new Response(sse.body, { headers: { ...SSE_HEADERS, ...headers } });
}
