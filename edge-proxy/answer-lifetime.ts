/**
 * @module answer-lifetime
 * One answer's abort signal and why it fired: the client went away, the answer ran past
 * `request_timeout_ms` (the whole answer's cap, whatever the upstream is doing), or a drain ran
 * out of time (the client is then told the server is restarting).
 */
export type AnswerLifetime = {
  readonly signal: AbortSignal;
  /** The cap in ms when the deadline ended the answer; undefined otherwise. */
  readonly timedOutAfterMs: () => number | undefined;
  readonly drained: () => boolean;
  /** End the answer now (the stream's reader went away). */
  cancel(): void;
  /** Stop watching the clock and the drain (the answer has ended). */
  end(): void;
};

/**
 * A drain's deadline, watched by every open answer. A set of callbacks rather than an AbortSignal:
 * one listener per open answer on one signal trips Node's EventTarget leak warning at 11 open
 * answers, and add/removeEventListener measured as the dearer part of an answer's bookkeeping.
 */
export type DrainDeadline = {
  readonly passed: boolean;
  /** Calls `onPassed` once when the deadline passes; the returned function stops watching. */
  watch(onPassed: () => void): () => void;
};

export function createDrainDeadline(): DrainDeadline & { pass(): void } {
  const watchers = new Set<() => void>();
  let passed = false;
  return {
    get passed() {
      return passed;
    },
    watch(onPassed) {
      if (passed) {
        onPassed();
        return () => {};
      }
      watchers.add(onPassed);
      return () => watchers.delete(onPassed);
    },
    pass() {
      passed = true;
      for (const onPassed of [...watchers]) onPassed();
      watchers.clear();
    },
  };
}

export function startAnswerLifetime(
  client: AbortSignal,
  timeoutMs: number,
  drain?: DrainDeadline,
  /** Called once when the answer ends (its trace span closes here). */
  onEnd?: () => void,
): AnswerLifetime {
  let ended = false;
  const abort = new AbortController();
  client.addEventListener('abort', () => abort.abort(), { once: true });
  let timedOut: number | undefined;
  const deadline = setTimeout(() => {
    timedOut = timeoutMs;
    abort.abort();
  }, timeoutMs);
  deadline.unref?.();
  let drained = false;
  const onDrained = () => {
    drained = true;
    abort.abort();
  };
  const unwatch = drain?.watch(onDrained);
  return {
    signal: abort.signal,
    timedOutAfterMs: () => timedOut,
    drained: () => drained,
    cancel: () => abort.abort(),
    end() {
      unwatch?.();
      clearTimeout(deadline);
      if (!ended) onEnd?.();
      ended = true;
    },
  };
}
