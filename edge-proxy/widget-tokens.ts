/**
 * @module widget-tokens
 * Short-lived signed tokens for public widgets (jose, HS256 JWTs). A page cannot keep a secret,
 * so the site's own backend mints a token for each visitor session with the secret it shares with
 * the proxy (`mintWidgetToken`, or any JWT library: `aud: "riskgate"`, `exp` a few minutes out,
 * `sub` naming the visitor or session); the widget sends it as a bearer token and asks for a fresh
 * one when the proxy answers 401. Rate limits and budgets are then per `sub`.
 */
import { SignJWT, jwtVerify } from 'jose';

export const WIDGET_TOKEN_AUDIENCE = 'riskgate';

export async function mintWidgetToken(
  secret: string,
  { subject, ttlSeconds = 600 }: { subject: string; ttlSeconds?: number },
): Promise<string> {
  return new SignJWT({})
    .setProtectedHeader({ alg: 'HS256' })
    .setAudience(WIDGET_TOKEN_AUDIENCE)
    .setSubject(subject)
    .setIssuedAt()
    .setExpirationTime(`${ttlSeconds}s`)
    .sign(new TextEncoder().encode(secret));
}

/** HS256 needs a key as long as its hash (RFC 7518 §3.2): a shorter secret can be guessed offline. */
export const MIN_WIDGET_SECRET_BYTES = 32;

export function checkWidgetSecret(secret: string): void {
  const bytes = new TextEncoder().encode(secret).length;
  if (bytes < MIN_WIDGET_SECRET_BYTES) {
    throw new Error(
      `the widget token secret is ${bytes} bytes; it must be at least ${MIN_WIDGET_SECRET_BYTES} (e.g. openssl rand -base64 48)`,
    );
  }
}

/**
 * The token's subject when it is valid (signature, audience, not expired, and issued for at most
 * `maxAgeS`: a ten-year token is a password, not a session); undefined otherwise.
 */
export async function verifyWidgetToken(token: string, secret: string, maxAgeS = 3600): Promise<string | undefined> {
  try {
    const { payload } = await jwtVerify(token, new TextEncoder().encode(secret), {
      audience: WIDGET_TOKEN_AUDIENCE,
      algorithms: ['HS256'],
      requiredClaims: ['exp', 'iat', 'sub'],
      maxTokenAge: maxAgeS,
    });
    if (payload.exp! - payload.iat! > maxAgeS) return undefined;
    return payload.sub;
  } catch {
    return undefined;
  }
}
