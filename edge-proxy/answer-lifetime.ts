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

export function startAnswerLifetime(
  client: AbortSignal,
  timeoutMs: number,
  drain?: AbortSignal,
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
  if (drain?.aborted) onDrained();
  else drain?.addEventListener('abort', onDrained, { once: true });
  return {
    signal: abort.signal,
    timedOutAfterMs: () => timedOut,
    drained: () => drained,
    cancel: () => abort.abort(),
    end() {
      drain?.removeEventListener('abort', onDrained);
      clearTimeout(deadline);
      if (!ended) onEnd?.();
      ended = true;
    },
  };
}
