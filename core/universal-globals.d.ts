/**
 * The few WHATWG globals that every runtime riskgate targets has (browser, Web Worker, Node ≥ 18,
 * edge runtimes). `core/` compiles with `lib: ES2022` and no DOM or Node types, so these are
 * declared here, minimally, instead of pulling in the DOM library (which would let DOM-only code
 * into core unnoticed).
 */
declare class TextEncoder {
  encode(input?: string): Uint8Array;
}
declare class TextDecoder {
  constructor(label?: string, options?: { fatal?: boolean });
  decode(input?: Uint8Array, options?: { stream?: boolean }): string;
}
interface AbortSignal {
  readonly aborted: boolean;
}
declare const performance: { now(): number };
declare function atob(data: string): string;
declare function btoa(data: string): string;
