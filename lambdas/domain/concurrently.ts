/**
 * Runs independent steps at once, one round trip instead of several, and settles like the same
 * steps awaited one after the other would: it resolves once every step has settled, and rejects
 * with the first failure (in the order given) only then. Unlike Promise.all, no step is still
 * running when the caller reacts to a failure (releases a lock, answers the request), so a retry
 * never races a leftover write of the attempt it repeats.
 */
export async function concurrently<T extends readonly unknown[]>(
  ...steps: { readonly [K in keyof T]: Promise<T[K]> }
): Promise<T> {
  const settled = await Promise.allSettled(steps);
  const failed = settled.find((s): s is PromiseRejectedResult => s.status === "rejected");
  if (failed) throw failed.reason;
  return settled.map((s) => (s as PromiseFulfilledResult<unknown>).value) as unknown as T;
}
