/**
 * @module responses-request
 * A Responses API request (`POST /v1/responses`) validated and translated into the chat request the
 * chat path answers; a parameter that needs state this server does not keep is refused by name.
 */
import { z } from 'zod';

const contentPart = z.object({ type: z.string().max(64), text: z.string().max(200_000).optional() }).loose();
const inputItem = z.union([
  z
    .object({
      type: z.literal('message').optional(),
      role: z.enum(['user', 'assistant', 'system', 'developer']),
      content: z.union([z.string().max(200_000), z.array(contentPart).min(1).max(256)]),
    })
    .loose(),
  z
    .object({
      type: z.literal('function_call'),
      call_id: z.string().max(256),
      name: z.string().max(256),
      arguments: z.string().max(200_000),
    })
    .loose(),
  z
    .object({ type: z.literal('function_call_output'), call_id: z.string().max(256), output: z.string().max(200_000) })
    .loose(),
]);

export const responsesRequestSchema = z
  .object({
    model: z.string().max(256).optional(),
    input: z.union([z.string().min(1).max(200_000), z.array(inputItem).min(1).max(2_048)]),
    instructions: z.string().max(200_000).nullish(),
    max_output_tokens: z.number().int().positive().nullish(),
    temperature: z.number().min(0).max(2).nullish(),
    top_p: z.number().min(0).max(1).nullish(),
    stream: z.boolean().nullish(),
    tools: z
      .array(
        z
          .object({
            type: z.string(),
            name: z.string().max(256).optional(),
            description: z.string().max(20_000).nullish(),
            parameters: z.unknown().optional(),
            strict: z.boolean().nullish(),
          })
          .loose(),
      )
      .max(128)
      .optional(),
    tool_choice: z.unknown().optional(),
    text: z
      .object({
        format: z
          .object({
            type: z.enum(['text', 'json_object', 'json_schema']),
            name: z.string().max(256).optional(),
            schema: z.unknown().optional(),
            strict: z.boolean().nullish(),
          })
          .loose()
          .optional(),
      })
      .loose()
      .nullish(),
    previous_response_id: z.string().nullish(),
    store: z.boolean().nullish(),
    metadata: z.record(z.string(), z.string()).nullish(),
    parallel_tool_calls: z.boolean().nullish(),
  })
  .loose();

export type ResponsesRequest = z.infer<typeof responsesRequestSchema>;
type ChatMessageOut = { role: string; content: string | null; tool_calls?: unknown[]; tool_call_id?: string };

const KNOWN = new Set(Object.keys(responsesRequestSchema.shape));
const textOf = (content: string | readonly { type: string; text?: string | undefined }[]) =>
  typeof content === 'string' ? content : content.map((p) => p.text ?? '').join('');

/** The chat completion that answers `request`, or the parameter that has no chat equivalent here. */
export function toChatRequest(
  request: ResponsesRequest,
): { body: Record<string, unknown> } | { param: string; message: string } {
  if (request.previous_response_id)
    return {
      param: 'previous_response_id',
      message: 'this proxy keeps no responses: send the whole conversation as input',
    };
  if (request.store)
    return { param: 'store', message: 'this proxy keeps no responses: send store: false (or leave it out)' };
  const unknown = Object.keys(request).find((k) => !KNOWN.has(k));
  if (unknown) return { param: unknown, message: `${unknown} is not supported by this proxy's Responses API` };
  for (const part of Array.isArray(request.input)
    ? request.input.flatMap((i) => ('content' in i && Array.isArray(i.content) ? i.content : []))
    : []) {
    if (!['input_text', 'output_text', 'text'].includes(part.type))
      return { param: 'input', message: `content of type ${part.type} is not supported here (text only)` };
  }
  const messages: ChatMessageOut[] = request.instructions ? [{ role: 'system', content: request.instructions }] : [];
  type Item = {
    type?: string;
    role?: string;
    content?: string | { type: string; text?: string }[];
    call_id?: string;
    name?: string;
    arguments?: string;
    output?: string;
  };
  for (const item of (typeof request.input === 'string'
    ? [{ role: 'user', content: request.input }]
    : request.input) as Item[]) {
    if (item.type === 'function_call')
      messages.push({
        role: 'assistant',
        content: null,
        tool_calls: [{ id: item.call_id, type: 'function', function: { name: item.name, arguments: item.arguments } }],
      });
    else if (item.type === 'function_call_output')
      messages.push({ role: 'tool', tool_call_id: item.call_id!, content: item.output ?? '' });
    else messages.push({ role: item.role!, content: textOf(item.content ?? '') });
  }
  const format = request.text?.format;
  const body: Record<string, unknown> = {
    model: request.model ?? 'auto',
    messages,
    stream: request.stream ?? false,
    ...(request.stream ? { stream_options: { include_usage: true } } : {}),
    ...(request.max_output_tokens ? { max_tokens: request.max_output_tokens } : {}),
    ...(request.temperature !== undefined && request.temperature !== null ? { temperature: request.temperature } : {}),
    ...(request.top_p !== undefined && request.top_p !== null ? { top_p: request.top_p } : {}),
    ...(request.tools?.length
      ? {
          tools: request.tools.map((t) => ({
            type: 'function',
            function: {
              name: t.name,
              description: t.description ?? undefined,
              parameters: t.parameters,
              ...(t.strict ? { strict: true } : {}),
            },
          })),
        }
      : {}),
    ...(request.tool_choice !== undefined
      ? {
          tool_choice:
            typeof request.tool_choice === 'object' && request.tool_choice && 'name' in request.tool_choice
              ? { type: 'function', function: { name: (request.tool_choice as { name: string }).name } }
              : request.tool_choice,
        }
      : {}),
    ...(format && format.type !== 'text'
      ? {
          response_format:
            format.type === 'json_object'
              ? { type: 'json_object' }
              : {
                  type: 'json_schema',
                  json_schema: {
                    name: format.name ?? 'response',
                    schema: format.schema,
                    ...(format.strict ? { strict: true } : {}),
                  },
                },
        }
      : {}),
  };
  return { body };
}
