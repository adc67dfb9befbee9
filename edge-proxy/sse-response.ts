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

/** The next turn of the event loop, after the I/O now being handled (Node, Bun, Deno); elsewhere a 0 ms timer. */
const nextTurn: (run: () => void) => void =
  typeof globalThis.setImmediate === 'function' ? (run) => globalThis.setImmediate(run) : (run) => setTimeout(run, 0);

/**
 * Events written in one turn of the event loop go out as one chunk: the pieces of one network read
 * from the upstream cost one write to the client, not one each (a write is a system call, and on
 * loopback it was the dearest part of relaying a stream). Nothing waits for a timer: the chunk
 * leaves as soon as the current I/O has been handled.
 */
export function createSseWriter(onCancel: () => void): SseWriter {
  const encoder = new TextEncoder();
  let controller!: ReadableStreamDefaultController<Uint8Array>;
  let closed = false;
  let ending = false;
  let pending = '';
  let scheduled = false;
  /** Resolves the writers waiting for the client to read (desiredSize ≤ 0). */
  const readable: (() => void)[] = [];
  let full = false;
  const wake = () => {
    full = false;
    for (const resume of readable.splice(0)) resume();
  };
  const body = new ReadableStream<Uint8Array>(
    {
      start: (c) => {
        controller = c;
      },
      pull: wake,
      cancel: () => {
        closed = true;
        pending = '';
        wake();
        onCancel();
      },
    },
    { highWaterMark: 8 },
  );
  const flush = () => {
    scheduled = false;
    if (closed || pending === '') return;
    controller.enqueue(encoder.encode(pending));
    pending = '';
    if (ending) {
      closed = true;
      controller.close();
    } else if ((controller.desiredSize ?? 1) <= 0) full = true;
  };
  const write = (text: string): Promise<void> => {
    if (closed || ending) return Promise.resolve();
    pending += text;
    if (!scheduled) {
      scheduled = true;
      nextTurn(flush);
    }
    // Backpressure: while the client is not reading, writers wait for it.
    return full ? new Promise<void>((resume) => readable.push(resume)) : Promise.resolve();
  };
  return {
    body,
    closed: () => closed,
    data: (value) => write(`data: ${typeof value === 'string' ? value : JSON.stringify(value)}\n\n`),
    comment: (text) => write(`: ${text}\n\n`),
    async done() {
      await write('data: [DONE]\n\n');
      ending = true; // the scheduled flush sends what is left, then closes
      if (!scheduled && !closed) {
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
