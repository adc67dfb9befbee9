/**
 * @module request-schema
 * Validation of `POST /v1/chat/completions` bodies (zod). Unknown OpenAI fields are accepted and
 * ignored; malformed known fields are a 400 naming the parameter.
 */
import { z } from 'zod';

/** A bound against absurd values only: each edge model's own limit is `max_output_tokens` (chat-ladder.ts). */
export const MAX_TOKENS_LIMIT = 1_048_576;

export const chatRequestSchema = z
  .object({
    model: z.string().optional(),
    // Every message shape of the API (openai-compat.ts maps or refuses what the upstreams cannot run).
    messages: z
      .array(
        z
          .object({
            role: z.enum(['system', 'developer', 'user', 'assistant', 'tool']),
            content: z
              .union([
                z.string().max(200_000),
                z
                  .array(z.object({ type: z.string().max(64), text: z.string().max(200_000).optional() }).loose())
                  .min(1)
                  .max(256),
                z.null(),
              ])
              .optional(),
            name: z.string().max(256).optional(),
            tool_calls: z.array(z.unknown()).max(128).optional(),
            tool_call_id: z.string().max(256).optional(),
          })
          .loose()
          .refine((m) => m.role === 'assistant' || (m.content !== null && m.content !== undefined), {
            message: 'content is required for this role',
            path: ['content'],
          }),
      )
      .min(1),
    stream: z.boolean().optional(),
    stream_options: z.object({ include_usage: z.boolean().optional() }).nullish(),
    max_tokens: z.number().int().positive().max(MAX_TOKENS_LIMIT).nullish(),
    max_completion_tokens: z.number().int().positive().max(MAX_TOKENS_LIMIT).nullish(),
    temperature: z.number().min(0).max(2).nullish(),
    seed: z.number().int().nullish(),
    /** Routing extensions (what the browser knew when it deferred). */
    router: z
      .object({
        cost_weight: z.number().min(0).max(100).optional(),
        risk_level: z.number().gt(0).lt(1).optional(),
        score: z.number().optional(),
        threshold: z.number().nullable().optional(),
        mode: z.enum(['prefer_local', 'only_local', 'prefer_edge', 'only_edge']).optional(),
        /** The prefill representation, base64 of little-endian float32. */
        representation: z
          .string()
          .max(65_536)
          .regex(/^[A-Za-z0-9+/]*={0,2}$/)
          .optional(),
        /** What that vector is: the gate's `riskgate.representation.model_id` (stories260K, stories260K+count-sketch(seed 1), …). */
        representation_model: z.string().max(256).optional(),
        /** Multi-turn switching state: which side holds the conversation's KV cache. */
        switching: z
          .object({
            previous_path: z.enum(['local', 'edge']).optional(),
            context_tokens: z.number().int().min(0).optional(),
          })
          .optional(),
      })
      .strict()
      .optional(),
  })
  .loose();

export type ChatRequest = z.infer<typeof chatRequestSchema>;
