/**
 * @module upstream/http-transport
 * The one HTTP call an OpenAI-compatible upstream makes: POST a JSON body and read the answer as
 * it streams. `fetchTransport` runs on any runtime with `fetch`; the Node server uses
 * `undiciTransport` (upstream/undici-transport.ts), which is several times cheaper per request
 * (decision 005). Both pass the same upstream tests (upstreams.test.ts, faults.test.ts).
 */

export type TransportResponse = {
  readonly status: number;
  header(name: string): string | null;
  /** The body as it arrives. Read it to its end to give the connection back to the pool. */
  readonly body: AsyncIterator<Uint8Array>;
  /** The whole body as text (error answers). */
  text(): Promise<string>;
};

export interface HttpTransport {
  /** Resolves with the status and headers; rejects when the connection fails or `signal` aborts. */
  post(
    url: string,
    headers: Readonly<Record<string, string>>,
    body: string,
    signal: AbortSignal,
  ): Promise<TransportResponse>;
}

export const fetchTransport: HttpTransport = {
  async post(url, headers, body, signal) {
    const response = await fetch(url, { method: 'POST', headers, body, signal });
    // The reader is taken on the first read, so an error answer can still use response.text().
    let reader: ReadableStreamDefaultReader<Uint8Array> | undefined;
    return {
      status: response.status,
      header: (name) => response.headers.get(name),
      body: {
        next: async () => {
          if (!response.body) return { done: true, value: undefined };
          reader ??= response.body.getReader();
          return reader.read() as Promise<IteratorResult<Uint8Array>>;
        },
      },
      text: () => response.text(),
    };
  },
};
