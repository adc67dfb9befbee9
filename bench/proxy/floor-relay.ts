/**
 * @module bench/floor-relay
 * The floor under the proxy's figures: the least a Node relay can do for the same answers, with
 * the same libraries (node:http, an undici Pool, eventsource-parser) and none of the proxy's work
 * (no validation, routing, limits, budget, failover, metrics or error handling). It reads the body,
 * asks the upstream for a stream, and answers as the proxy does: one JSON body, or the deltas
 * re-sent as SSE. What the proxy adds on top of this is ours to cut; this much is Node's.
 * Benchmark only: it trusts every request.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createParser } from 'eventsource-parser';
import { Pool } from 'undici';

export async function startFloorRelay(upstreamBaseUrl: string): Promise<{ url: string }> {
  const target = new URL(`${upstreamBaseUrl.replace(/\/$/, '')}/chat/completions`);
  const pool = new Pool(target.origin);
  const server = createServer(async (req, res) => {
    const parts: Buffer[] = [];
    for await (const part of req) parts.push(part as Buffer);
    const body = JSON.parse(Buffer.concat(parts).toString()) as { messages: unknown; stream?: boolean };
    const upstream = await pool.request({
      path: target.pathname,
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'canned', messages: body.messages, stream: true }),
    });
    let text = '';
    let sse = '';
    const parser = createParser({
      onEvent: (event) => {
        if (event.data === '[DONE]') return;
        const content = (JSON.parse(event.data) as { choices: { delta?: { content?: string } }[] }).choices[0]?.delta
          ?.content;
        if (!content) return;
        if (body.stream) sse += `data: ${JSON.stringify({ choices: [{ index: 0, delta: { content } }] })}\n\n`;
        else text += content;
      },
    });
    const decoder = new TextDecoder();
    if (body.stream) res.writeHead(200, { 'content-type': 'text/event-stream' });
    for await (const chunk of upstream.body) {
      parser.feed(decoder.decode(chunk as Buffer, { stream: true }));
      if (sse) res.write(sse);
      sse = '';
    }
    if (body.stream) res.end('data: [DONE]\n\n');
    else {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(
        JSON.stringify({
          object: 'chat.completion',
          choices: [{ index: 0, message: { role: 'assistant', content: text } }],
        }),
      );
    }
  });
  await new Promise<void>((resolve) => server.listen({ port: 0, host: '127.0.0.1', backlog: 4096 }, resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1` };
}
