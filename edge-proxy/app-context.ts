/**
 * @module app-context
 * What the proxy's routes share: the caller a request was identified as (caller.ts), and the one
 * way every route answers an error (counted in the metrics, OpenAI's shape).
 */
import type { Context } from 'hono';
import { errorResponse } from './chat-failure.js';
import type { Metrics } from './metrics.js';
import type { openAiError } from './openai-error.js';
import type { VirtualKey } from './virtual-keys.js';

export type Vars = { Variables: { caller: string; key: VirtualKey | undefined } };
export type ProxyContext = Context<Vars>;
export type Fail = (error: ReturnType<typeof openAiError>, headers?: Record<string, string>) => Response;

export const failWith =
  (metrics: Metrics): Fail =>
  (error, headers = {}) => {
    metrics.errors.inc({ code: error.body.error.code, upstream: 'none' });
    return errorResponse(error, headers);
  };
