/**
 * @module responses-api
 * `POST /v1/responses`, the default path of current OpenAI clients (`openai.responses.create`, the
 * Vercel AI SDK's `openai(model)`, LangChain's `useResponsesApi`), answered by translating to a chat
 * completion and back: the same admission, selection, failover, budgets and parameter checks.
 * Stateless: `previous_response_id` and `store: true` need a server that keeps responses, and are
 * refused by name (400 `unsupported_parameter`) rather than accepted and ignored.
 */
import { openAiError } from './openai-error.js';
import { type ChatCompletion, toResponse, toResponseEvents } from './responses-output.js';
import { responsesRequestSchema, toChatRequest } from './responses-request.js';

/** The route: validate, translate, answer through the chat path, translate back. */
export async function answerResponses(
  json: unknown,
  answerChat: (body: unknown) => Promise<Response>,
): Promise<Response> {
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
  return Response.json(toResponse((await chat.json()) as ChatCompletion, parsed.data), { status: 200, headers });
}
