/**
 * @module responses-api
 * `POST /v1/responses`, the default path of current OpenAI clients (`openai.responses.create`, the
 * Vercel AI SDK's `openai(model)`, LangChain's `useResponsesApi`), answered by translating to a chat
 * completion and back: the same admission, selection, failover, budgets and parameter checks.
 * Stateless: `previous_response_id` and `store: true` need a server that keeps responses, and are
 * refused by name (400 `unsupported_parameter`) rather than accepted and ignored.
 */
import { z } from 'zod';
import { openAiError } from './openai-error.js';

const contentPart = z.object({ type: z.string().max(64), text: z.string().max(200_000).optional() }).loose();
const inputItem = z.union([
  z.object({ type: z.literal('message').optional(), role: z.enum(['user', 'assistant', 'system', 'developer']), content: z.union([z.string().max(200_000), z.array(contentPart).min(1).max(256)]) }).loose(),
  z.object({ type: z.literal('function_call'), call_id: z.string().max(256), name: z.string().max(256), arguments: z.string().max(200_000) }).loose(),
  z.object({ type: z.literal('function_call_output'), call_id: z.string().max(256), output: z.string().max(200_000) }).loose(),
]);

export const responsesRequestSchema = z.object({
  model: z.string().max(256).optional(),
  input: z.union([z.string().min(1).max(200_000), z.array(inputItem).min(1).max(2_048)]),
  instructions: z.string().max(200_000).nullish(),
  max_output_tokens: z.number().int().positive().nullish(),
  temperature: z.number().min(0).max(2).nullish(),
  top_p: z.number().min(0).max(1).nullish(),
  stream: z.boolean().nullish(),
  tools: z.array(z.object({ type: z.string(), name: z.string().max(256).optional(), description: z.string().max(20_000).nullish(), parameters: z.unknown().optional(), strict: z.boolean().nullish() }).loose()).max(128).optional(),
  tool_choice: z.unknown().optional(),
  text: z.object({ format: z.object({ type: z.enum(['text', 'json_object', 'json_schema']), name: z.string().max(256).optional(), schema: z.unknown().optional(), strict: z.boolean().nullish() }).loose().optional() }).loose().nullish(),
  previous_response_id: z.string().nullish(),
  store: z.boolean().nullish(),
  metadata: z.record(z.string(), z.string()).nullish(),
  parallel_tool_calls: z.boolean().nullish(),
}).loose();

export type ResponsesRequest = z.infer<typeof responsesRequestSchema>;
type ChatMessageOut = { role: string; content: string | null; tool_calls?: unknown[]; tool_call_id?: string };

const KNOWN = new Set(Object.keys(responsesRequestSchema.shape));
const textOf = (content: string | readonly { type: string; text?: string | undefined }[]) =>
  typeof content === 'string' ? content : content.map((p) => p.text ?? '').join('');

/** The chat completion that answers `request`, or the parameter that has no chat equivalent here. */
export function toChatRequest(request: ResponsesRequest): { body: Record<string, unknown> } | { param: string; message: string } {
  if (request.previous_response_id) return { param: 'previous_response_id', message: 'this proxy keeps no responses: send the whole conversation as input' };
  if (request.store) return { param: 'store', message: 'this proxy keeps no responses: send store: false (or leave it out)' };
  const unknown = Object.keys(request).find((k) => !KNOWN.has(k));
  if (unknown) return { param: unknown, message: `${unknown} is not supported by this proxy's Responses API` };
  for (const part of Array.isArray(request.input) ? request.input.flatMap((i) => ('content' in i && Array.isArray(i.content) ? i.content : [])) : []) {
    if (!['input_text', 'output_text', 'text'].includes(part.type)) return { param: 'input', message: `content of type ${part.type} is not supported here (text only)` };
  }
  const messages: ChatMessageOut[] = request.instructions ? [{ role: 'system', content: request.instructions }] : [];
  type Item = { type?: string; role?: string; content?: string | { type: string; text?: string }[]; call_id?: string; name?: string; arguments?: string; output?: string };
  for (const item of (typeof request.input === 'string' ? [{ role: 'user', content: request.input }] : request.input) as Item[]) {
    if (item.type === 'function_call') messages.push({ role: 'assistant', content: null, tool_calls: [{ id: item.call_id, type: 'function', function: { name: item.name, arguments: item.arguments } }] });
    else if (item.type === 'function_call_output') messages.push({ role: 'tool', tool_call_id: item.call_id!, content: item.output ?? '' });
    else messages.push({ role: item.role!, content: textOf(item.content ?? '') });
  }
  const format = request.text?.format;
  const body: Record<string, unknown> = {
    model: request.model ?? 'auto', messages, stream: request.stream ?? false,
    ...(request.stream ? { stream_options: { include_usage: true } } : {}),
    ...(request.max_output_tokens ? { max_tokens: request.max_output_tokens } : {}),
    ...(request.temperature !== undefined && request.temperature !== null ? { temperature: request.temperature } : {}),
    ...(request.top_p !== undefined && request.top_p !== null ? { top_p: request.top_p } : {}),
    ...(request.tools?.length ? { tools: request.tools.map((t) => ({ type: 'function', function: { name: t.name, description: t.description ?? undefined, parameters: t.parameters, ...(t.strict ? { strict: true } : {}) } })) } : {}),
    ...(request.tool_choice !== undefined ? { tool_choice: typeof request.tool_choice === 'object' && request.tool_choice && 'name' in request.tool_choice ? { type: 'function', function: { name: (request.tool_choice as { name: string }).name } } : request.tool_choice } : {}),
    ...(format && format.type !== 'text' ? { response_format: format.type === 'json_object' ? { type: 'json_object' } : { type: 'json_schema', json_schema: { name: format.name ?? 'response', schema: format.schema, ...(format.strict ? { strict: true } : {}) } } } : {}),
  };
  return { body };
}

export type ChatCompletion = {
  id: string; created: number; model: string;
  choices: { message: { content: string | null; tool_calls?: { id: string; function: { name: string; arguments: string } }[] }; finish_reason: string | null }[];
  usage?: { prompt_tokens: number; completion_tokens: number; total_tokens: number };
};

const responseId = (chatId: string) => `resp_${chatId.replace(/^chatcmpl-/, '')}`;
const usageOf = (u: ChatCompletion['usage']) => ({
  input_tokens: u?.prompt_tokens ?? 0, input_tokens_details: { cached_tokens: 0 },
  output_tokens: u?.completion_tokens ?? 0, output_tokens_details: { reasoning_tokens: 0 }, total_tokens: u?.total_tokens ?? 0,
});
const messageItem = (id: string, text: string, status: 'completed' | 'incomplete') => ({ type: 'message', id: `msg_${id}`, status, role: 'assistant', content: [{ type: 'output_text', text, annotations: [] }] });

/** A Response object around a finished chat completion (what `output_text` is read from). */
export function toResponse(chat: ChatCompletion, request: ResponsesRequest) {
  const choice = chat.choices[0];
  const incomplete = choice?.finish_reason === 'length';
  const id = responseId(chat.id);
  const calls = (choice?.message.tool_calls ?? []).map((c) => ({ type: 'function_call', id: `fc_${c.id}`, call_id: c.id, name: c.function.name, arguments: c.function.arguments, status: 'completed' }));
  const text = choice?.message.content ?? '';
  return {
    ...envelope(id, chat.created, chat.model, request, incomplete ? 'incomplete' : 'completed'),
    output: [...(text || calls.length === 0 ? [messageItem(id, text, incomplete ? 'incomplete' : 'completed')] : []), ...calls],
    usage: usageOf(chat.usage),
  };
}

function envelope(id: string, createdAt: number, model: string, request: ResponsesRequest, status: 'in_progress' | 'completed' | 'incomplete' | 'failed') {
  return {
    id, object: 'response', created_at: createdAt, status, model, error: null,
    incomplete_details: status === 'incomplete' ? { reason: 'max_output_tokens' } : null,
    instructions: request.instructions ?? null, max_output_tokens: request.max_output_tokens ?? null, metadata: request.metadata ?? {},
    parallel_tool_calls: request.parallel_tool_calls ?? true, previous_response_id: null, store: false,
    temperature: request.temperature ?? null, top_p: request.top_p ?? null, tool_choice: request.tool_choice ?? 'auto', tools: request.tools ?? [],
    text: request.text ?? { format: { type: 'text' } }, truncation: 'disabled', output: [] as unknown[], usage: null as unknown,
  };
}

type ChatChunk = { id: string; created: number; model: string; choices: { delta: { content?: string | null; tool_calls?: { index: number; id?: string; function?: { name?: string; arguments?: string } }[] }; finish_reason: string | null }[]; usage?: ChatCompletion['usage'] | null; error?: { message: string; code: string } };

/**
 * The chat completion's SSE stream as the Responses API's typed events: created, the message item
 * and its text part opened, one `response.output_text.delta` per chat delta, function calls with
 * their arguments as they arrive, then everything closed and `response.completed` (or `.incomplete`,
 * or `response.failed` when the chat stream ended in an error event).
 */
export function toResponseEvents(chatStream: ReadableStream<Uint8Array>, request: ResponsesRequest): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  // One decoder for the whole stream: a character split across two chunks must stay one character.
  const decoder = new TextDecoder();
  let sequence = 0;
  const emitter = (controller: TransformStreamDefaultController<Uint8Array>) => (type: string, data: object) =>
    controller.enqueue(encoder.encode(`event: ${type}\ndata: ${JSON.stringify({ type, sequence_number: sequence++, ...data })}\n\n`));
  let buffer = '';
  let text = '';
  let started: { id: string; created: number; model: string } | undefined;
  let finish: string | null = null;
  let usage: ChatCompletion['usage'] | undefined;
  const calls = new Map<number, { id: string; name: string; arguments: string; outputIndex: number }>();
  let textOpen = false;
  return chatStream.pipeThrough(new TransformStream<Uint8Array, Uint8Array>({
    transform(bytes, controller) {
      const emit = emitter(controller);
      buffer += decoder.decode(bytes, { stream: true });
      let cut: number;
      while ((cut = buffer.indexOf('\n\n')) >= 0) {
        const event = buffer.slice(0, cut);
        buffer = buffer.slice(cut + 2);
        const data = event.split('\n').filter((l) => l.startsWith('data: ')).map((l) => l.slice(6)).join('');
        if (!data || data === '[DONE]') continue;
        const chunk = JSON.parse(data) as ChatChunk;
        if (chunk.error) {
          const failedId = started ? responseId(started.id) : 'resp_failed';
          emit('response.failed', { response: { ...envelope(failedId, started?.created ?? 0, started?.model ?? '', request, 'failed'), error: { code: chunk.error.code, message: chunk.error.message } } });
          continue;
        }
        if (!started) {
          started = { id: chunk.id, created: chunk.created, model: chunk.model };
          const response = envelope(responseId(chunk.id), chunk.created, chunk.model, request, 'in_progress');
          emit('response.created', { response });
          emit('response.in_progress', { response });
        }
        const id = responseId(started.id);
        const choice = chunk.choices[0];
        if (choice?.delta.content) {
          if (!textOpen) {
            textOpen = true;
            emit('response.output_item.added', { output_index: 0, item: { ...messageItem(id, '', 'completed'), status: 'in_progress', content: [] } });
            emit('response.content_part.added', { item_id: `msg_${id}`, output_index: 0, content_index: 0, part: { type: 'output_text', text: '', annotations: [] } });
          }
          text += choice.delta.content;
          emit('response.output_text.delta', { item_id: `msg_${id}`, output_index: 0, content_index: 0, delta: choice.delta.content });
        }
        for (const call of choice?.delta.tool_calls ?? []) {
          let known = calls.get(call.index);
          if (!known) {
            known = { id: call.id ?? `call_${call.index}`, name: call.function?.name ?? '', arguments: '', outputIndex: (textOpen ? 1 : 0) + calls.size };
            calls.set(call.index, known);
            emit('response.output_item.added', { output_index: known.outputIndex, item: { type: 'function_call', id: `fc_${known.id}`, call_id: known.id, name: known.name, arguments: '', status: 'in_progress' } });
          }
          if (call.function?.arguments) {
            known.arguments += call.function.arguments;
            emit('response.function_call_arguments.delta', { item_id: `fc_${known.id}`, output_index: known.outputIndex, delta: call.function.arguments });
          }
        }
        if (choice?.finish_reason) finish = choice.finish_reason;
        if (chunk.usage) usage = chunk.usage;
      }
    },
    flush(controller) {
      if (!started) return;
      const emit = emitter(controller);
      const id = responseId(started.id);
      const incomplete = finish === 'length';
      const output: unknown[] = [];
      if (textOpen) {
        const item = messageItem(id, text, incomplete ? 'incomplete' : 'completed');
        emit('response.output_text.done', { item_id: item.id, output_index: 0, content_index: 0, text });
        emit('response.content_part.done', { item_id: item.id, output_index: 0, content_index: 0, part: item.content[0] });
        emit('response.output_item.done', { output_index: 0, item });
        output.push(item);
      }
      for (const call of calls.values()) {
        const item = { type: 'function_call', id: `fc_${call.id}`, call_id: call.id, name: call.name, arguments: call.arguments, status: 'completed' };
        emit('response.function_call_arguments.done', { item_id: item.id, output_index: call.outputIndex, arguments: call.arguments });
        emit('response.output_item.done', { output_index: call.outputIndex, item });
        output.push(item);
      }
      const status = incomplete ? 'incomplete' : 'completed';
      emit(`response.${status}`, { response: { ...envelope(id, started.created, started.model, request, status), output, usage: usageOf(usage) } });
    },
  }));
}

/** The route: validate, translate, answer through the chat path, translate back. */
export async function answerResponses(json: unknown, answerChat: (body: unknown) => Promise<Response>): Promise<Response> {
  const parsed = responsesRequestSchema.safeParse(json);
  const fail = ({ status, body }: { status: number; body: object }) => Response.json(body, { status });
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    return fail(openAiError('invalid_request', issue?.message ?? 'invalid request', issue?.path.join('.') || null));
  }
  const translated = toChatRequest(parsed.data);
  if ('param' in translated) return fail(openAiError('unsupported_parameter', translated.message, translated.param));
  const chat = await answerChat(translated.body);
  // Errors keep the OpenAI error shape and status, and the headers (x-request-id, retry-after).
  if (!chat.ok || !chat.body) return chat;
  const headers = new Headers(chat.headers);
  if (parsed.data.stream) return new Response(toResponseEvents(chat.body, parsed.data), { status: 200, headers });
  headers.delete('content-length');
  return Response.json(toResponse(await chat.json() as ChatCompletion, parsed.data), { status: 200, headers });
}
