/**
 * @module log
 * The proxy's structured log (pino, JSON lines on stderr): what clients must not see — upstream
 * error bodies, hosts, socket errors — goes here with the request id, so an operator can find it
 * from the id the client was given. `LOG_LEVEL` sets the level (default info; `silent` in tests).
 */
import { pino, type Logger } from 'pino';

export type ProxyLogger = Pick<Logger, 'info' | 'warn' | 'error'>;

export function createLogger(level = process.env.LOG_LEVEL ?? 'info'): ProxyLogger {
  return pino({ level, base: { service: 'riskgate-edge-proxy' } }, pino.destination(2));
}

/** For runtimes without a process (edge): nothing is written. */
export const silentLogger: ProxyLogger = { info: () => undefined, warn: () => undefined, error: () => undefined };
