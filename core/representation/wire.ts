/**
 * @module representation/wire
 * How a deferred request carries the gate's representation to the edge selector
 * (`router.representation`): base64 of little-endian float32, so it survives JSON exactly.
 */

export function encodeRepresentation(values: Float32Array): string {
  const view = new DataView(new ArrayBuffer(values.length * 4));
  values.forEach((v, i) => view.setFloat32(i * 4, v, true));
  let binary = '';
  new Uint8Array(view.buffer).forEach((b) => {
    binary += String.fromCharCode(b);
  });
  return btoa(binary);
}

/** undefined when the payload is not a whole number of floats. */
export function decodeRepresentation(base64: string): Float32Array | undefined {
  const bytes = Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
  if (bytes.length === 0 || bytes.length % 4 !== 0) return undefined;
  const view = new DataView(bytes.buffer);
  return Float32Array.from({ length: bytes.length / 4 }, (_, i) => view.getFloat32(i * 4, true));
}
