/**
 * @module read-body
 * Reads a request's JSON body under two bounds a legal-looking body can still break:
 * - time: the whole body within `timeoutMs` (a client trickling 1 byte/s gets 408 `body_timeout`);
 * - shape: at most `maxDepth` levels of nesting. A 100k-level `tools[].function.parameters` parses,
 *   but `JSON.stringify` of it overflows the stack inside an upstream adapter, where it used to be
 *   counted against that upstream's circuit breaker (issue 24, S2). Refused here, as the caller's fault.
 */
import { openAiError } from './openai-error.js';

export type BodyRead =
  | { readonly ok: true; readonly json: unknown }
  | { readonly ok: false; readonly error: ReturnType<typeof openAiError> };

export async function readJsonBody(request: Request, timeoutMs: number, maxDepth: number): Promise<BodyRead> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<'late'>((resolve) => {
    timer = setTimeout(() => resolve('late'), timeoutMs);
  });
  let text: string | 'late';
  try {
    text = await Promise.race([request.text(), late]);
  } catch {
    return { ok: false, error: openAiError('invalid_request', 'the request body could not be read') };
  } finally {
    clearTimeout(timer);
  }
  if (text === 'late') {
    return { ok: false, error: openAiError('body_timeout', `the request body did not arrive within ${timeoutMs} ms`) };
  }
  // Depth is checked on the text, before parsing: brackets outside strings, one pass, no recursion.
  if (nestingDepth(text) > maxDepth) {
    return { ok: false, error: openAiError('invalid_request', `the body nests deeper than ${maxDepth} levels`) };
  }
  try {
    return { ok: true, json: JSON.parse(text) as unknown };
  } catch {
    return { ok: false, error: openAiError('invalid_request', 'request body is not valid JSON') };
  }
}

/** The deepest nesting of `[` / `{` outside string literals. */
export function nestingDepth(text: string): number {
  let depth = 0;
  let deepest = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text.charCodeAt(i);
    if (inString) {
      if (ch === 0x5c)
        i++; // backslash: skip the escaped character
      else if (ch === 0x22) inString = false;
    } else if (ch === 0x22) {
      inString = true;
    } else if (ch === 0x5b || ch === 0x7b) {
      depth++;
      if (depth > deepest) deepest = depth;
    } else if (ch === 0x5d || ch === 0x7d) {
      depth--;
    }
  }
  return deepest;
}

export async function sha256Hex(text: string): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(text));
  return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, '0')).join('');
}
