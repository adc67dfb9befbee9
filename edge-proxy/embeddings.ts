/**
 * @module embeddings
 * `POST /v1/embeddings`, for upstreams that declare it (`embedding_models` in the config): the
 * request is checked, sent to the named model's OpenAI-compatible `/embeddings` unchanged but for
 * the model name, and its answer (or its error, with its status) comes back. The same auth, rate
 * limit and admission as chat; the caller's budget is charged for the upstream's counted tokens.
 */
import { z } from 'zod';
import { openAiError } from './openai-error.js';

export const embeddingModelSchema = z
  .object({
    id: z.string().min(1),
    base_url: z.string().url(),
    /** The upstream's own model name. @default id */
    upstream_model: z.string().optional(),
    /** Name of the environment variable holding the API key. */
    api_key_env: z.string().optional(),
    usd_per_1k_tokens: z.number().min(0).default(0),
  })
  .strict();
export type EmbeddingModelConfig = z.infer<typeof embeddingModelSchema>;

export type Embedder = {
  readonly id: string;
  readonly usdPer1kTokens: number;
  embed(body: Record<string, unknown>, signal: AbortSignal): Promise<Response>;
};

const requestSchema = z
  .object({
    model: z.string().min(1),
    input: z.union([
      z.string().max(200_000),
      z.array(z.string().max(200_000)).min(1).max(2_048),
      z.array(z.number().int()).min(1).max(100_000),
      z.array(z.array(z.number().int()).max(100_000)).min(1).max(2_048),
    ]),
    encoding_format: z.enum(['float', 'base64']).optional(),
    dimensions: z.number().int().positive().optional(),
    user: z.string().max(256).optional(),
  })
  .strict();

export function createHttpEmbedder(
  config: EmbeddingModelConfig,
  env: NodeJS.ProcessEnv = process.env,
  timeoutMs = 30_000,
): Embedder {
  const url = `${config.base_url.replace(/\/$/, '')}/embeddings`;
  const key = config.api_key_env ? env[config.api_key_env] : undefined;
  return {
    id: config.id,
    usdPer1kTokens: config.usd_per_1k_tokens,
    embed: (body, signal) =>
      fetch(url, {
        method: 'POST',
        signal: AbortSignal.any([signal, AbortSignal.timeout(timeoutMs)]),
        headers: { 'content-type': 'application/json', ...(key ? { authorization: `Bearer ${key}` } : {}) },
        body: JSON.stringify({ ...body, model: config.upstream_model ?? config.id }),
      }),
  };
}

/** The route's work; `charge` adds the answer's cost to the caller's budget. */
export async function answerEmbeddings(
  json: unknown,
  embedders: readonly Embedder[],
  signal: AbortSignal,
  charge: (usd: number) => Promise<void>,
): Promise<Response> {
  const fail = ({ status, body }: { status: number; body: object }) => Response.json(body, { status });
  const parsed = requestSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const unknownKey = issue?.code === 'unrecognized_keys' ? issue.keys[0] : undefined;
    return unknownKey
      ? fail(openAiError('unsupported_parameter', `${unknownKey} is not supported for embeddings here`, unknownKey))
      : fail(openAiError('invalid_request', issue?.message ?? 'invalid request', issue?.path.join('.') || null));
  }
  const embedder = embedders.find((e) => e.id === parsed.data.model);
  if (!embedder) {
    const served = embedders.map((e) => e.id);
    return fail(
      openAiError(
        'invalid_model',
        served.length
          ? `model ${parsed.data.model} is not an embedding model here; one of: ${served.join(', ')}`
          : 'no embedding model is served here (embedding_models in the config)',
        'model',
      ),
    );
  }
  const upstream = await embedder.embed(parsed.data, signal).catch(() => undefined);
  if (!upstream) return fail(openAiError('upstream_failed', `${embedder.id} could not be reached`));
  const text = await upstream.text();
  let answer: { usage?: { prompt_tokens?: number }; model?: string; error?: { message?: string } };
  try {
    answer = JSON.parse(text) as typeof answer;
  } catch {
    return fail(openAiError('upstream_failed', `${embedder.id} answered something that is not JSON`));
  }
  if (!upstream.ok) {
    const status = upstream.status >= 400 && upstream.status < 500 ? upstream.status : 502;
    return fail({
      ...openAiError(
        status < 500 ? 'upstream_rejected' : 'upstream_failed',
        `${embedder.id}: ${answer.error?.message ?? `HTTP ${upstream.status}`}`,
      ),
      status,
    });
  }
  await charge(((answer.usage?.prompt_tokens ?? 0) / 1000) * embedder.usdPer1kTokens);
  return Response.json({ ...answer, model: embedder.id }, { status: 200 });
}
