/**
 * @module sse-response
 * An OpenAI-style SSE body we can write to before and after handing the Response out:
 * `data: <json>` events, `: keep-alive` comments, `data: [DONE]`. Writes after the client has
 * gone are dropped (and reported through `closed`).
 */
export type SseWriter = {
  readonly body: ReadableStream<Uint8Array>;
  /** True once the client went away or the stream was closed. */
  readonly closed: () => boolean;
  data(value: unknown): Promise<void>;
  comment(text: string): Promise<void>;
  done(): Promise<void>;
};

export function createSseWriter(onCancel: () => void): SseWriter {
  const encoder = new TextEncoder();
  let controller!: ReadableStreamDefaultController<Uint8Array>;
  let closed = false;
  let pull: (() => void) | undefined;
  const body = new ReadableStream<Uint8Array>(
    {
      start: (c) => {
        controller = c;
      },
      pull: () => {
        pull?.();
        pull = undefined;
      },
      cancel: () => {
        closed = true;
        pull?.();
        onCancel();
      },
    },
    { highWaterMark: 8 },
  );
  const write = async (text: string) => {
    if (closed) return;
    controller.enqueue(encoder.encode(text));
    // Backpressure: wait while the client is not reading (desiredSize ≤ 0).
    if ((controller.desiredSize ?? 1) <= 0)
      await new Promise<void>((r) => {
        pull = r;
      });
  };
  return {
    body,
    closed: () => closed,
    data: (value) => write(`data: ${typeof value === 'string' ? value : JSON.stringify(value)}\n\n`),
    comment: (text) => write(`: ${text}\n\n`),
    async done() {
      await write('data: [DONE]\n\n');
      if (!closed) {
        closed = true;
        controller.close();
      }
    },
  };
}

export const SSE_HEADERS = {
  'content-type': 'text/event-stream; charset=utf-8',
  'cache-control': 'no-cache',
  connection: 'keep-alive',
} as const;
