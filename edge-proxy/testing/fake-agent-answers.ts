/**
 * @module testing/fake-agent-answers
 * What the fake upstream answers an agent with: a tool call whose arguments fit the tool's JSON
 * schema, a written answer after a tool result or in JSON mode, a pairwise judge's verdict, and
 * deterministic embeddings.
 */
import type { ServerResponse } from 'node:http';

export type JsonSchema = {
  type?: string;
  properties?: Record<string, JsonSchema>;
  required?: string[];
  items?: JsonSchema;
  enum?: unknown[];
};
export type AgentRequest = {
  messages?: { role: string; content?: unknown }[];
  tools?: { type: string; function: { name: string; parameters?: JsonSchema } }[];
  tool_choice?: string | { type: string; function: { name: string } };
  response_format?: { type: string; json_schema?: { schema?: JsonSchema } };
};

/** A value that fits the schema: the first enum value, else a fixed value per type. */
function valueFor(schema: JsonSchema | undefined): unknown {
  if (schema?.enum?.length) return schema.enum[0];
  switch (schema?.type) {
    case 'object':
      return Object.fromEntries(Object.entries(schema.properties ?? {}).map(([k, v]) => [k, valueFor(v)]));
    case 'array':
      return [valueFor(schema.items)];
    case 'number':
    case 'integer':
      return 42;
    case 'boolean':
      return true;
    default:
      return 'Paris';
  }
}

/** The call to make: none after a tool result, or when no tool may be called. */
export function toolCallFor(request: AgentRequest) {
  const tools = request.tools ?? [];
  if (tools.length === 0 || request.tool_choice === 'none' || request.messages?.at(-1)?.role === 'tool')
    return undefined;
  const chosen =
    typeof request.tool_choice === 'object'
      ? tools.find((t) => t.function.name === (request.tool_choice as { function: { name: string } }).function.name)
      : tools[0];
  if (!chosen) return undefined;
  return {
    id: 'call_fake_1',
    type: 'function' as const,
    function: {
      name: chosen.function.name,
      arguments: JSON.stringify(valueFor(chosen.function.parameters ?? { type: 'object' })),
    },
  };
}

/** A judge's verdict on the two answers in a pairwise judge prompt; undefined for any other request. */
export function judgeVote(request: AgentRequest, prefers: string): string | undefined {
  const [system, user] = request.messages ?? [];
  if (
    system?.role !== 'system' ||
    typeof system.content !== 'string' ||
    !system.content.includes('[[A]]') ||
    typeof user?.content !== 'string'
  )
    return undefined;
  const match = /<answer_a>\n([\s\S]*?)\n<\/answer_a>\n\n<answer_b>\n([\s\S]*?)\n<\/answer_b>$/.exec(user.content);
  if (!match) return undefined;
  const [a, b] = [match[1]!.includes(prefers), match[2]!.includes(prefers)];
  return `Compared both. ${a === b ? '[[C]]' : a ? '[[A]]' : '[[B]]'}`;
}

/** After a tool result: an answer that quotes it. In JSON mode: JSON that fits the schema. */
export function writtenAnswer(request: AgentRequest): string | undefined {
  const last = request.messages?.at(-1);
  if (last?.role === 'tool')
    return `The tool said: ${typeof last.content === 'string' ? last.content : JSON.stringify(last.content)}`;
  if (request.response_format?.type === 'json_object') return JSON.stringify({ answer: 'Paris' });
  if (request.response_format?.type === 'json_schema')
    return JSON.stringify(valueFor(request.response_format.json_schema?.schema ?? { type: 'object' }));
  return undefined;
}

/** A deterministic 4-d embedding per input (its length, vowels, spaces, first code point), OpenAI's shape. */
export function embeddings(request: { input: string | string[]; model: string }, res: ServerResponse): void {
  const inputs = Array.isArray(request.input) ? request.input : [request.input];
  const vector = (s: string) => [
    s.length,
    (s.match(/[aeiou]/gi) ?? []).length,
    (s.match(/ /g) ?? []).length,
    s.codePointAt(0) ?? 0,
  ];
  const tokens = inputs.reduce((n, s) => n + s.split(/\s+/).filter(Boolean).length, 0);
  res.writeHead(200, { 'content-type': 'application/json' });
  res.end(
    JSON.stringify({
      object: 'list',
      model: request.model,
      data: inputs.map((s, index) => ({ object: 'embedding', index, embedding: vector(s) })),
      usage: { prompt_tokens: tokens, total_tokens: tokens },
    }),
  );
}
