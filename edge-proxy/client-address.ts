/**
 * @module client-address
 * Who is calling, when auth is off and limits go by address. Behind reverse proxies the socket is
 * the last proxy, and `X-Forwarded-For` lists the hops, each proxy appending the address it saw.
 * Only hops added by a proxy we trust are believed: walking from the right, the first address that
 * is not a trusted proxy is the client. The left-most hop is whatever the client chose to send, so
 * reading it let anyone pick a fresh rate-limit bucket per request (issue 24, S4).
 */
export function clientAddress(socket: string, forwardedFor: string | undefined, trusted: ReadonlySet<string>): string {
  if (!trusted.has(socket) || !forwardedFor) return socket;
  const hops = forwardedFor
    .split(',')
    .map((hop) => hop.trim())
    .filter((hop) => hop.length > 0);
  for (let i = hops.length - 1; i >= 0; i--) {
    const hop = hops[i]!;
    if (!trusted.has(hop)) return hop;
  }
  return hops[0] ?? socket; // every hop is one of our proxies: the first of them is the caller
}
