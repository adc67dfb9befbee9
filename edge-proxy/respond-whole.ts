/**
 * @module respond-whole
 * A non-stream answer: held until it ends (bounded by `max_answer_chars`, so twenty of them cannot
 * fill memory), then one `chat.completion` body. Nothing reaches the client before the end, so a
 * failure mid-answer still fails over to the next upstream.
 */
import type { ChatCompletion } from '../core/protocol/openai.js';
import { messageOf, usageOf, type AnswerServing } from './answer-serving.js';
import { errorResponse, failureResponse } from './chat-failure.js';
import { serveWithFailover } from './failover.js';
import { openAiError } from './openai-error.js';
import { UpstreamError } from './upstream/upstream-error.js';

export async function respondWhole(serving: AnswerServing): Promise<Response> {
  const { config, lifetime, account, headers, requestId } = serving;
  const limit = config.max_answer_chars;
  let text = '';
  try {
    const options = { ...serving.failover, commitOnFirstPiece: false };
    const served = await serveWithFailover(serving.ladder, serving.request, lifetime.signal, options, {
      onDiscard: () => {
        text = '';
      },
      onPiece: async (piece) => {
        if (typeof piece !== 'string') return; // tool calls come whole in the result
        if (text.length + piece.length > limit) throw new UpstreamError('cut', `answer over ${limit} characters`);
        text += piece;
      },
      onAttemptFailed: serving.onAttemptFailed,
    });
    await account.served(served);
    const { result, candidate } = served;
    const completion: ChatCompletion = {
      id: serving.completionId,
      object: 'chat.completion',
      created: serving.created,
      model: candidate.upstream.model,
      choices: [{ index: 0, message: messageOf(text, result.toolCalls), finish_reason: result.finishReason }],
      usage: usageOf(result.promptTokens, result.completionTokens),
    };
    return new Response(JSON.stringify(completion), {
      headers: { 'content-type': 'application/json', ...headers, 'x-router-served-by': candidate.upstream.id },
    });
  } catch (error) {
    await account.refund(); // nothing reached the client
    if (lifetime.drained()) {
      const restarting = openAiError('overloaded', `the proxy is restarting; retry (request id ${requestId})`);
      return errorResponse(restarting, { ...headers, 'retry-after': '1' });
    }
    return failureResponse(error, headers, serving.log, lifetime.timedOutAfterMs());
  } finally {
    lifetime.end();
  }
}
