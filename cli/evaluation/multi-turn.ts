export async function evaluateMultiTurn(..._args: unknown[]): Promise<undefined> { return undefined; }
