/**
 * @module data/routing-dataset
 * The unified routing dataset (docs/architecture.md §6): one prompt per record with every model's
 * recorded outcome. Which model plays "local" and which play "edge" is configuration (`Roles`).
 */

export type Outcome = {
  readonly quality: number;
  readonly output_tokens?: number;
  readonly cost_usd?: number;
  readonly response?: string;
};

export type RoutingRecord = {
  readonly id: string;
  readonly source: string;
  readonly prompt: string;
  readonly outcomes: Readonly<Record<string, Outcome>>;
};

export type Roles = { readonly local: string; readonly edge: readonly string[] };
