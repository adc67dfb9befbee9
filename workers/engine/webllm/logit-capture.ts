/**
 * @module engine/webllm/logit-capture
 * The public path (docs/webllm.md §2): a web-llm `LogitProcessor` whose first `processLogits` call of a
 * generation receives the raw last-position prefill logits. web-llm gives no "new prompt" signal,
 * so the engine arms it before each request; later calls return at once (the copy happens once
 * per prompt). It also records the sampled token ids, which web-llm's stream does not carry.
 */

export type LogitCapture = {
  processLogits(logits: Float32Array): Float32Array;
  processSampledToken(token: number): void;
  resetState(): void;
  /** Arms the capture for the next generation; resolves with its prefill logits. */
  arm(): Promise<Float32Array>;
  /** Sampled token ids since the last `arm`. */
  readonly sampled: number[];
};

export function createLogitCapture(): LogitCapture {
  let resolve: ((logits: Float32Array) => void) | undefined;
  const capture: LogitCapture = {
    sampled: [],
    processLogits(logits) {
      if (resolve) {
        const r = resolve;
        resolve = undefined;
        r(Float32Array.from(logits));
      }
      return logits;
    },
    processSampledToken(token) {
      capture.sampled.push(token);
    },
    resetState() {},
    arm() {
      capture.sampled.length = 0;
      return new Promise((r) => {
        resolve = r;
      });
    },
  };
  return capture;
}
