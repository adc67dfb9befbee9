/**
 * @module shadow-check
 * `POST /v1/riskgate/shadow` (issue 15; decision 024): the widget sends a share ρ of the prompts
 * it answered on the device, with the device's answer. The proxy gets the edge's answer the way a
 * deferred prompt gets it (same selection, failover, limits and budget: `answer`), and the judge
 * says whether the edge's answer was strictly better. That verdict is an unbiased label for the
 * widget's adaptive threshold (ACI with inverse-probability weights). Errors: OpenAI's shape.
 *
 *   request:  { messages, local_answer, max_tokens?, router? }   (messages and router as in chat)
 *   response: { object: "riskgate.shadow_check", verdict: "edge_better" | "not_worse" | "undecided",
 *               votes: [order 1, order 2], judge_model, edge: { model, content } }
 */
import { z } from 'zod';
import type { ChatCompletion } from '../core/protocol/openai.js';
import { errorResponse } from './chat-failure.js';
import type { Judge } from './judge/pairwise-judge.js';
import { openAiError } from './openai-error.js';
import { chatRequestSchema } from './request-schema.js';
import { readChatRequest } from './openai-compat.js';
import type { ProxyLogger } from './log.js';

export type ShadowDeps = {
  readonly judge: Judge | undefined;
  /** Answers a chat-completions body as POST /v1/chat/completions would (non-stream). */
  readonly answer: (body: unknown) => Promise<Response>;
  readonly maxAnswerChars: number;
  readonly log: ProxyLogger;
  readonly signal: AbortSignal;
};

const shadowSchema = (maxAnswerChars: number) =>
  z
    .object({
      messages: chatRequestSchema.shape.messages,
      local_answer: z.string().max(maxAnswerChars),
      max_tokens: chatRequestSchema.shape.max_tokens,
      router: chatRequestSchema.shape.router,
    })
    .strict();

export async function shadowCheck(json: unknown, deps: ShadowDeps): Promise<Response> {
  if (!deps.judge)
    return errorResponse(
      openAiError('judge_unavailable', 'this proxy has no judge configured (config `judge`): shadow checks are off'),
    );
  const parsed = shadowSchema(deps.maxAnswerChars).safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    return errorResponse(
      openAiError('invalid_request', issue?.message ?? 'invalid shadow check', issue?.path.join('.') || null),
    );
  }
  const { messages, local_answer: local, max_tokens, router } = parsed.data;
  const read = readChatRequest({ messages });
  if ('param' in read) return errorResponse(openAiError('unsupported_parameter', read.message, read.param));
  const edgeResponse = await deps.answer({
    model: 'auto',
    messages,
    stream: false,
    ...(max_tokens ? { max_tokens } : {}),
    ...(router ? { router } : {}),
  });
  if (!edgeResponse.ok) return edgeResponse; // the edge's own error (limits, budget, upstream failure), as it is
  const completion = (await edgeResponse.json()) as ChatCompletion;
  const edge = completion.choices[0]?.message.content ?? '';
  try {
    const judgement = await deps.judge.judge(read.messages, { local, edge }, deps.signal);
    return Response.json({
      object: 'riskgate.shadow_check',
      verdict: judgement.verdict,
      votes: judgement.votes,
      judge_model: judgement.model,
      edge: { model: completion.model, content: edge },
    });
  } catch (error) {
    deps.log.warn({ error: String(error) }, 'judge failure');
    return errorResponse(openAiError('upstream_failed', 'the judge could not answer; the edge answer is not judged'));
  }
}
