/**
 * @module controllers/widget-token
 * The Authorization header for the edge: `Bearer …` from the site's `getToken` (asked once, and
 * again after a 401 says the token expired), else the `token` attribute, else none.
 */
export type TokenSource = {
  readonly getToken: (() => string | Promise<string>) | undefined;
  readonly token: string;
};

export class WidgetToken {
  #cached: string | undefined;

  constructor(private readonly source: TokenSource) {}

  async authorization(refresh: boolean): Promise<string | undefined> {
    const { getToken, token } = this.source;
    if (getToken) {
      if (refresh || this.#cached === undefined) this.#cached = await getToken();
      return `Bearer ${this.#cached}`;
    }
    return token ? `Bearer ${token}` : undefined;
  }
}
