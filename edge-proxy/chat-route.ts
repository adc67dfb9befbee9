/**
 * @module chat-route
 * POST /v1/chat/completions up to the answer: the body against the schema, the caller's key
 * (aliases, allowed models, answer length), what one request may ask of the upstreams, the daily
 * budget (the worst case reserved first, atomically) and the Idempotency-Key; then answerChat.
 */
import type { ChatMessage } from '../core/protocol/chat.js';
import type { Fail, ProxyContext } from './app-context.js';
import { answerChat, type AnswerSlot, type ChatContext } from './chat-completions.js';
import {
  createMemoryIdempotencyStore,
  IDEMPOTENCY_KEY,
  remember,
  replay,
  requestFingerprint,
  type IdempotencyStore,
} from './idempotency.js';
import { utcDay } from './limits.js';
import { readChatRequest } from './openai-compat.js';
import { openAiError } from './openai-error.js';
import { chatRequestSchema } from './request-schema.js';
import { estimatePromptTokens } from './upstream/with-stop.js';
import { allowedModels, resolveAlias } from './virtual-keys.js';

/** A request id a client may choose: what we echo and log. Anything else is replaced by a UUID. */
const SAFE_REQUEST_ID = /^[A-Za-z0-9_.:-]{1,128}$/;

export type ChatRouteDeps = ChatContext & {
  readonly idempotency: IdempotencyStore | undefined;
  readonly fail: Fail;
  /** The model aliases now in force (a reload may replace them). */
  readonly aliases: () => Readonly<Record<string, string>>;
};

export function createChatRoute(deps: ChatRouteDeps) {
  const { config, selector, budget, fail } = deps;
  const idempotency = deps.idempotency ?? createMemoryIdempotencyStore();
  /** The most an answer can cost: its prompt (about 4 characters a token) and max tokens at the dearest model. */
  const dearestPer1k = Math.max(0, ...selector.candidates.map((k) => k.usdPer1kTokens));
  const worstCaseUsd = (
    messages: readonly ChatMessage[],
    body: { max_tokens?: number | null; max_completion_tokens?: number | null },
  ) => {
    const answerTokens = body.max_completion_tokens ?? body.max_tokens ?? config.default_max_tokens;
    return ((estimatePromptTokens({ messages }) + answerTokens) / 1000) * dearestPer1k;
  };

  return async function chatCompletion(c: ProxyContext, json: unknown, slot: AnswerSlot): Promise<Response> {
    const caller = c.get('caller');
    const parsed = chatRequestSchema.safeParse(json);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      return fail(openAiError('invalid_request', issue?.message ?? 'invalid request', issue?.path.join('.') || null));
    }
    const virtualKey = c.get('key');
    // An alias names a served model; a key may be limited to some models and some answer length.
    const aliases = deps.aliases();
    const body = { ...parsed.data, model: resolveAlias(parsed.data.model, aliases) };
    const allowed = allowedModels(virtualKey, aliases);
    if (allowed && body.model && body.model !== 'auto' && !allowed.has(body.model)) {
      return fail(
        openAiError(
          'model_not_allowed',
          `this key may not use ${body.model}; it may use ${[...allowed].join(', ')}`,
          'model',
        ),
      );
    }
    const asked = body.max_completion_tokens ?? body.max_tokens;
    if (
      virtualKey?.max_tokens !== undefined &&
      (asked === undefined || asked === null || asked > virtualKey.max_tokens)
    ) {
      return fail(
        openAiError(
          'invalid_request',
          `this key's answers are at most ${virtualKey.max_tokens} tokens: send max_tokens ≤ ${virtualKey.max_tokens}`,
          'max_tokens',
        ),
      );
    }
    const read = readChatRequest(body);
    if ('param' in read) return fail(openAiError('unsupported_parameter', read.message, read.param));
    // Admission: what one request may ask of the upstreams (a legal body can still be hostile).
    if (read.messages.length > config.max_messages) {
      return fail(
        openAiError(
          'invalid_request',
          `${read.messages.length} messages; this proxy accepts at most ${config.max_messages} (max_messages)`,
          'messages',
        ),
      );
    }
    const promptChars = read.messages.reduce((n, m) => n + m.content.length, 0);
    if (promptChars > config.max_prompt_chars) {
      return fail(
        openAiError(
          'context_window_exceeded',
          `${promptChars} characters of messages; this proxy accepts at most ${config.max_prompt_chars} (max_prompt_chars)`,
          'messages',
        ),
      );
    }
    if (body.router?.mode === 'only_local') {
      return fail(
        openAiError(
          'invalid_request',
          'router.mode only_local is answered on the device, never by the edge',
          'router.mode',
        ),
      );
    }
    if (body.model && body.model !== 'auto' && !selector.candidates.some((k) => k.upstream.model === body.model)) {
      return fail(
        openAiError(
          'invalid_model',
          `model ${body.model} is not served here; use "auto" or one of GET /v1/models`,
          'model',
        ),
      );
    }
    const offered = c.req.header('x-request-id');
    const requestId = offered && SAFE_REQUEST_ID.test(offered) ? offered : crypto.randomUUID();
    // The budget guards new answers; a kept answer replayed for its Idempotency-Key costs nothing.
    const answer = async () => {
      // The worst this answer can cost is reserved first, atomically, and settled when it is known.
      const day = utcDay();
      const limit =
        virtualKey?.budget_usd_per_day !== undefined ? virtualKey.budget_usd_per_day : config.budget_usd_per_day;
      const worst = limit === null ? 0 : worstCaseUsd(read.messages, body);
      const reserved = limit === null ? undefined : { usd: await budget.reserve(caller, day, worst, limit), day };
      if (reserved && reserved.usd <= 0 && worst > 0)
        return fail(openAiError('budget_exceeded', `daily budget of $${limit} is spent`));
      return answerChat(deps, {
        body,
        read,
        requestId,
        caller,
        signal: c.req.raw.signal,
        slot,
        ...(reserved ? { reserved } : {}),
        ...(allowed ? { allowed } : {}),
      });
    };
    const idempotencyKey = c.req.header('idempotency-key');
    if (idempotencyKey === undefined) return answer();
    if (!IDEMPOTENCY_KEY.test(idempotencyKey))
      return fail(
        openAiError(
          'invalid_request',
          'Idempotency-Key must be 8–128 characters of A–Z a–z 0–9 _ . : -',
          'Idempotency-Key',
        ),
      );
    const key = `${caller}|${idempotencyKey}`;
    const fingerprint = await requestFingerprint(body);
    const seen = await idempotency.begin(key, fingerprint);
    if (seen === 'mismatch') {
      return fail(
        openAiError(
          'idempotency_key_reused',
          'this Idempotency-Key was used with a different request body; use a new key for a new request',
          'Idempotency-Key',
        ),
      );
    }
    if (seen === 'running')
      return fail(
        openAiError(
          'idempotency_in_progress',
          'a request with this Idempotency-Key is still being answered',
          'Idempotency-Key',
        ),
        { 'retry-after': '1' },
      );
    if (seen !== 'new') return replay(seen, body.stream === true, requestId);
    return remember(await answer(), body.stream === true, (kept) =>
      kept ? idempotency.finish(key, { ...kept, fingerprint }) : idempotency.forget(key),
    );
  };
}
