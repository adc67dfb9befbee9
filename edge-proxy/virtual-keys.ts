/**
 * @module virtual-keys
 * Per-key control (issue 24): each key a team or an app uses has its own daily budget, rate
 * limit, answer-length limit and model allow-list. Keys are kept hashed at rest: the config holds
 * a key's sha256, never the key (`printf %s "$KEY" | sha256sum`), and the caller is named by the
 * key's id in every store and log. `model_aliases` map a stable name onto a served model.
 */
import { z } from 'zod';
import { sha256Hex } from './read-body.js';

export const virtualKeySchema = z
  .object({
    /** The caller's name in limits, budgets and logs. */
    id: z.string().regex(/^[\w.-]{1,64}$/),
    /** sha256 (hex) of the bearer key. */
    sha256: z.string().regex(/^[0-9a-f]{64}$/),
    /** USD per UTC day; absent = the proxy's `budget_usd_per_day`, null = unlimited. */
    budget_usd_per_day: z.number().positive().nullable().optional(),
    /** Requests per minute; absent = the proxy's `rate_limit_per_minute`. */
    rate_limit_per_minute: z.number().int().positive().optional(),
    /** The longest answer a request may ask for (max_tokens); more is a 400 naming the limit. */
    max_tokens: z.number().int().positive().optional(),
    /** Models this key may use (ids or aliases); absent = all. `auto` then chooses among these only. */
    models: z.array(z.string().min(1)).min(1).optional(),
  })
  .strict();

export type VirtualKey = z.infer<typeof virtualKeySchema>;

/** What a config reload may change in a running proxy (SIGHUP): who may call, and the names of models. */
export type AccessPolicy = {
  readonly keys: readonly VirtualKey[];
  readonly model_aliases: Readonly<Record<string, string>>;
};

export type Keyring = {
  readonly size: number;
  find(bearer: string): Promise<VirtualKey | undefined>;
  /** The keys from a reloaded config (SIGHUP): added ones work, removed ones are refused, from the next request on. */
  replace(keys: readonly VirtualKey[]): void;
};

function indexByHash(keys: readonly VirtualKey[]): Map<string, VirtualKey> {
  const byHash = new Map(keys.map((k) => [k.sha256, k]));
  if (byHash.size !== keys.length) throw new Error('two virtual keys have the same sha256');
  return byHash;
}

export function createKeyring(keys: readonly VirtualKey[]): Keyring {
  let byHash = indexByHash(keys);
  return {
    get size() {
      return byHash.size;
    },
    find: async (bearer) => (byHash.size === 0 ? undefined : byHash.get(await sha256Hex(bearer))),
    replace(next) {
      const index = indexByHash(next);
      // Whether auth is on is fixed at start (an open proxy must not close itself, nor the reverse, unseen).
      if ((index.size === 0) !== (byHash.size === 0))
        throw new Error('a reload cannot add the first virtual key or remove the last one: restart the proxy');
      byHash = index;
    },
  };
}

/** Refuses aliases that name no served model: a typo would otherwise surface as every request's 400. */
export function checkAliases(aliases: Readonly<Record<string, string>>, served: ReadonlySet<string>): void {
  const dangling = Object.entries(aliases).filter(([, target]) => !served.has(target));
  if (dangling.length > 0)
    throw new Error(
      `model_aliases name models not served here: ${dangling.map(([a, t]) => `${a} → ${t}`).join(', ')}; served: ${[...served].join(', ')}`,
    );
}

/** The model a request names, through the aliases (an unknown name is left for the caller to refuse). */
export const resolveAlias = (model: string | undefined, aliases: Readonly<Record<string, string>>) =>
  model !== undefined && Object.hasOwn(aliases, model) ? aliases[model]! : model;

/** The served models `key` may use, resolved through the aliases; undefined = every model. */
export function allowedModels(
  key: VirtualKey | undefined,
  aliases: Readonly<Record<string, string>>,
): ReadonlySet<string> | undefined {
  return key?.models ? new Set(key.models.map((m) => resolveAlias(m, aliases)!)) : undefined;
}
