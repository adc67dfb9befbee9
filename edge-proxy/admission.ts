/**
 * @module admission
 * The rate limit, the JSON body, then admission (max_concurrent_requests), for every POST route.
 * The body is read before a slot is taken and within `body_read_timeout_ms`: a client that
 * trickles its body holds a socket, never one of the slots legitimate requests need (issue 24, S3).
 * Graceful drain (SIGTERM): no new answers, open ones finish until the deadline, then end.
 */
import type { Fail, ProxyContext } from './app-context.js';
import { createDrainDeadline, type DrainDeadline } from './answer-lifetime.js';
import type { AnswerSlot } from './chat-completions.js';
import type { ProxyConfig } from './config.js';
import type { RateLimiter, RateLimitTake } from './limits.js';
import { openAiError } from './openai-error.js';
import { readJsonBody } from './read-body.js';

export type AdmittedHandler = (c: ProxyContext, json: unknown, slot: AnswerSlot) => Promise<Response>;

/** OpenAI's x-ratelimit-* headers on every answer, so a client can pace itself before a 429. */
const rateHeadersOf = (limit: RateLimitTake): Readonly<Record<string, string>> => ({
  'x-ratelimit-limit-requests': String(limit.limit),
  'x-ratelimit-remaining-requests': String(limit.remaining),
  'x-ratelimit-reset-requests': `${limit.retryAfterS}s`,
});

/** Answers built with the rate headers already (answerChat's): adding them again would rebuild their Headers. */
const carrying = new WeakSet<Response>();

function withRateHeaders(response: Response, headers: Readonly<Record<string, string>>): Response {
  if (carrying.has(response)) return response;
  try {
    for (const [k, v] of Object.entries(headers)) response.headers.set(k, v);
    return response;
  } catch {
    const copy = new Response(response.body, response); // immutable headers (a fetched response)
    for (const [k, v] of Object.entries(headers)) copy.headers.set(k, v);
    return copy;
  }
}

export function createAdmission(config: ProxyConfig, rateLimiter: RateLimiter, fail: Fail) {
  let answering = 0;
  let draining = false;
  const drainDeadline = createDrainDeadline();
  const idle: (() => void)[] = [];
  const wakeIfIdle = () => {
    if (answering === 0) for (const wake of idle.splice(0)) wake();
  };

  async function admit(
    limit: RateLimitTake,
    headers: Readonly<Record<string, string>>,
    handle: AdmittedHandler,
    c: ProxyContext,
  ): Promise<Response> {
    if (!limit.allowed)
      return fail(openAiError('rate_limited', 'rate limit exceeded'), { 'retry-after': String(limit.retryAfterS) });
    const read = await readJsonBody(c.req.raw, config.body_read_timeout_ms, config.max_json_depth);
    if (!read.ok) return fail(read.error, read.error.status === 408 ? { connection: 'close' } : {});
    if (draining)
      return fail(openAiError('overloaded', 'the proxy is restarting; retry shortly'), {
        'retry-after': '1',
        connection: 'close',
      });
    if (answering >= config.max_concurrent_requests) {
      const message = `${answering} requests are being answered, the most this proxy takes at once (max_concurrent_requests); retry shortly`;
      return fail(openAiError('overloaded', message), { 'retry-after': '1' });
    }
    answering++;
    // An open stream keeps its slot until it ends (answerChat releases it); anything else, now.
    let released = false;
    const slot = {
      headers,
      carries: (response: Response) => {
        carrying.add(response);
        return response;
      },
      held: false,
      release: () => {
        if (!released) {
          released = true;
          answering--;
          wakeIfIdle();
        }
      },
    };
    try {
      return await handle(c, read.json, slot);
    } finally {
      if (!slot.held) slot.release();
    }
  }

  return {
    /** Ends open answers when the drain's deadline passes (a stream gets an error event and [DONE]). */
    drained: drainDeadline as DrainDeadline,
    admitted: (handle: AdmittedHandler) => async (c: ProxyContext) => {
      const limit = await rateLimiter.take(c.get('caller'), undefined, c.get('key')?.rate_limit_per_minute);
      const headers = rateHeadersOf(limit);
      return withRateHeaders(await admit(limit, headers, handle, c), headers);
    },
    /**
     * Stops taking answers (503 overloaded, Retry-After) and waits for the open ones; at `deadlineMs`
     * those still open are ended. Resolves when none is open.
     */
    async drain(deadlineMs: number): Promise<void> {
      draining = true;
      const timer = setTimeout(() => drainDeadline.pass(), deadlineMs);
      await new Promise<void>((resolve) => {
        idle.push(resolve);
        wakeIfIdle();
      });
      clearTimeout(timer);
    },
  };
}
