/**
 * @module single-flight
 * One queue for all engine and gate work: an engine owns one KV cache and one GPU queue, so two
 * prompts sent at once run one after the other, in order (transformers.js `webInferenceChain`).
 */
export function createSingleFlight(): <T>(task: () => Promise<T>) => Promise<T> {
  let tail: Promise<unknown> = Promise.resolve();
  return (task) => {
    const run = tail.then(task, task);
    tail = run.catch(() => undefined);
    return run;
  };
}
