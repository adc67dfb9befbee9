/**
 * @module api-routes
 * The OpenAI-compatible routes and ours, each admitted (a slot and a rate-limit token, after the
 * body is read): chat completions, the Responses API translated to the chat path and back,
 * embeddings, and the shadow check.
 */
import type { Hono } from 'hono';
import type { AdmittedHandler } from './admission.js';
import type { Fail, ProxyContext, Vars } from './app-context.js';
import type { AnswerSlot } from './chat-completions.js';
import { answerEmbeddings, type Embedder } from './embeddings.js';
import type { Judge } from './judge/pairwise-judge.js';
import { type BudgetStore, utcDay } from './limits.js';
import type { ProxyLogger } from './log.js';
import { openAiError } from './openai-error.js';
import { answerResponses } from './responses-api.js';
import { shadowCheck } from './shadow-check.js';

export type ApiRoutesDeps = {
  readonly admitted: (handle: AdmittedHandler) => (c: ProxyContext) => Promise<Response>;
  readonly chatCompletion: (c: ProxyContext, json: unknown, slot: AnswerSlot) => Promise<Response>;
  readonly embedders: readonly Embedder[];
  readonly budget: BudgetStore;
  readonly judge: Judge | undefined;
  readonly maxAnswerChars: number;
  readonly log: ProxyLogger;
  readonly fail: Fail;
};

export function addApiRoutes(app: Hono<Vars>, deps: ApiRoutesDeps): void {
  const { admitted, chatCompletion, fail } = deps;
  app.post('/v1/chat/completions', admitted(chatCompletion));
  // The Responses API, translated to the chat path and back (responses-api.ts); nothing is kept.
  app.post(
    '/v1/responses',
    admitted((c, json, slot) => answerResponses(json, (body) => chatCompletion(c, body, slot))),
  );
  app.get('/v1/responses/:id', (c) =>
    fail(openAiError('not_found', `response ${c.req.param('id')} was not kept: this proxy stores no responses`)),
  );
  app.post(
    '/v1/embeddings',
    admitted(async (c, json) => {
      const caller = c.get('caller');
      return answerEmbeddings(json, deps.embedders, c.req.raw.signal, (usd) => deps.budget.add(caller, utcDay(), usd));
    }),
  );
  // One slot and one rate-limit token for the check; the edge answer inside it is budgeted as any other.
  app.post(
    '/v1/riskgate/shadow',
    admitted((c, json, slot) =>
      shadowCheck(json, {
        judge: deps.judge,
        answer: (body) => chatCompletion(c, body, slot),
        maxAnswerChars: deps.maxAnswerChars,
        log: deps.log,
        signal: c.req.raw.signal,
      }),
    ),
  );
}
