/**
 * @module responses-output
 * A chat completion translated back into the Responses API's shapes: the response object for a
 * non-stream answer, and the typed `response.*` events for a streamed one.
 */
import type { ResponsesRequest } from './responses-request.js';

export type ChatCompletion = {
  id: string;
  created: number;
  model: string;
  choices: {
    message: { content: string | null; tool_calls?: { id: string; function: { name: string; arguments: string } }[] };
    finish_reason: string | null;
  }[];
  usage?: { prompt_tokens: number; completion_tokens: number; total_tokens: number };
};

const responseId = (chatId: string) => `resp_${chatId.replace(/^chatcmpl-/, '')}`;
const usageOf = (u: ChatCompletion['usage']) => ({
  input_tokens: u?.prompt_tokens ?? 0,
  input_tokens_details: { cached_tokens: 0 },
  output_tokens: u?.completion_tokens ?? 0,
  output_tokens_details: { reasoning_tokens: 0 },
  total_tokens: u?.total_tokens ?? 0,
});
const messageItem = (id: string, text: string, status: 'completed' | 'incomplete') => ({
  type: 'message',
  id: `msg_${id}`,
  status,
  role: 'assistant',
  content: [{ type: 'output_text', text, annotations: [] }],
});

/** A Response object around a finished chat completion (what `output_text` is read from). */
export function toResponse(chat: ChatCompletion, request: ResponsesRequest) {
  const choice = chat.choices[0];
  const incomplete = choice?.finish_reason === 'length';
  const id = responseId(chat.id);
  const calls = (choice?.message.tool_calls ?? []).map((c) => ({
    type: 'function_call',
    id: `fc_${c.id}`,
    call_id: c.id,
    name: c.function.name,
    arguments: c.function.arguments,
    status: 'completed',
  }));
  const text = choice?.message.content ?? '';
  return {
    ...envelope(id, chat.created, chat.model, request, incomplete ? 'incomplete' : 'completed'),
    output: [
      ...(text || calls.length === 0 ? [messageItem(id, text, incomplete ? 'incomplete' : 'completed')] : []),
      ...calls,
    ],
    usage: usageOf(chat.usage),
  };
}

function envelope(
  id: string,
  createdAt: number,
  model: string,
  request: ResponsesRequest,
  status: 'in_progress' | 'completed' | 'incomplete' | 'failed',
) {
  return {
    id,
    object: 'response',
    created_at: createdAt,
    status,
    model,
    error: null,
    incomplete_details: status === 'incomplete' ? { reason: 'max_output_tokens' } : null,
    instructions: request.instructions ?? null,
    max_output_tokens: request.max_output_tokens ?? null,
    metadata: request.metadata ?? {},
    parallel_tool_calls: request.parallel_tool_calls ?? true,
    previous_response_id: null,
    store: false,
    temperature: request.temperature ?? null,
    top_p: request.top_p ?? null,
    tool_choice: request.tool_choice ?? 'auto',
    tools: request.tools ?? [],
    text: request.text ?? { format: { type: 'text' } },
    truncation: 'disabled',
    output: [] as unknown[],
    usage: null as unknown,
  };
}

type ChatChunk = {
  id: string;
  created: number;
  model: string;
  choices: {
    delta: {
      content?: string | null;
      tool_calls?: { index: number; id?: string; function?: { name?: string; arguments?: string } }[];
    };
    finish_reason: string | null;
  }[];
  usage?: ChatCompletion['usage'] | null;
  error?: { message: string; code: string };
};

/**
 * The chat completion's SSE stream as the Responses API's typed events: created, the message item
 * and its text part opened, one `response.output_text.delta` per chat delta, function calls with
 * their arguments as they arrive, then everything closed and `response.completed` (or `.incomplete`,
 * or `response.failed` when the chat stream ended in an error event).
 */
export function toResponseEvents(
  chatStream: ReadableStream<Uint8Array>,
  request: ResponsesRequest,
): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  // One decoder for the whole stream: a character split across two chunks must stay one character.
  const decoder = new TextDecoder();
  let sequence = 0;
  const emitter = (controller: TransformStreamDefaultController<Uint8Array>) => (type: string, data: object) =>
    controller.enqueue(
      encoder.encode(`event: ${type}\ndata: ${JSON.stringify({ type, sequence_number: sequence++, ...data })}\n\n`),
    );
  let buffer = '';
  let text = '';
  let started: { id: string; created: number; model: string } | undefined;
  let finish: string | null = null;
  let usage: ChatCompletion['usage'] | undefined;
  const calls = new Map<number, { id: string; name: string; arguments: string; outputIndex: number }>();
  let textOpen = false;
  return chatStream.pipeThrough(
    new TransformStream<Uint8Array, Uint8Array>({
      transform(bytes, controller) {
        const emit = emitter(controller);
        buffer += decoder.decode(bytes, { stream: true });
        let cut: number;
        while ((cut = buffer.indexOf('\n\n')) >= 0) {
          const event = buffer.slice(0, cut);
          buffer = buffer.slice(cut + 2);
          const data = event
            .split('\n')
            .filter((l) => l.startsWith('data: '))
            .map((l) => l.slice(6))
            .join('');
          if (!data || data === '[DONE]') continue;
          const chunk = JSON.parse(data) as ChatChunk;
          if (chunk.error) {
            const failedId = started ? responseId(started.id) : 'resp_failed';
            emit('response.failed', {
              response: {
                ...envelope(failedId, started?.created ?? 0, started?.model ?? '', request, 'failed'),
                error: { code: chunk.error.code, message: chunk.error.message },
              },
            });
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
              emit('response.output_item.added', {
                output_index: 0,
                item: { ...messageItem(id, '', 'completed'), status: 'in_progress', content: [] },
              });
              emit('response.content_part.added', {
                item_id: `msg_${id}`,
                output_index: 0,
                content_index: 0,
                part: { type: 'output_text', text: '', annotations: [] },
              });
            }
            text += choice.delta.content;
            emit('response.output_text.delta', {
              item_id: `msg_${id}`,
              output_index: 0,
              content_index: 0,
              delta: choice.delta.content,
            });
          }
          for (const call of choice?.delta.tool_calls ?? []) {
            let known = calls.get(call.index);
            if (!known) {
              known = {
                id: call.id ?? `call_${call.index}`,
                name: call.function?.name ?? '',
                arguments: '',
                outputIndex: (textOpen ? 1 : 0) + calls.size,
              };
              calls.set(call.index, known);
              emit('response.output_item.added', {
                output_index: known.outputIndex,
                item: {
                  type: 'function_call',
                  id: `fc_${known.id}`,
                  call_id: known.id,
                  name: known.name,
                  arguments: '',
                  status: 'in_progress',
                },
              });
            }
            if (call.function?.arguments) {
              known.arguments += call.function.arguments;
              emit('response.function_call_arguments.delta', {
                item_id: `fc_${known.id}`,
                output_index: known.outputIndex,
                delta: call.function.arguments,
              });
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
          emit('response.content_part.done', {
            item_id: item.id,
            output_index: 0,
            content_index: 0,
            part: item.content[0],
          });
          emit('response.output_item.done', { output_index: 0, item });
          output.push(item);
        }
        for (const call of calls.values()) {
          const item = {
            type: 'function_call',
            id: `fc_${call.id}`,
            call_id: call.id,
            name: call.name,
            arguments: call.arguments,
            status: 'completed',
          };
          emit('response.function_call_arguments.done', {
            item_id: item.id,
            output_index: call.outputIndex,
            arguments: call.arguments,
          });
          emit('response.output_item.done', { output_index: call.outputIndex, item });
          output.push(item);
        }
        const status = incomplete ? 'incomplete' : 'completed';
        emit(`response.${status}`, {
          response: { ...envelope(id, started.created, started.model, request, status), output, usage: usageOf(usage) },
        });
      },
    }),
  );
}
