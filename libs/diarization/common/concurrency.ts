/**
 * Calls `task(0) ... task(count - 1)` with at most `limit` of them running at once. After the first
 * failure no new task starts; the running ones are waited for (so none fails unobserved) and the
 * first failure is thrown.
 */
export async function forEachConcurrently(
  count: number,
  limit: number,
  task: (index: number) => Promise<void>,
): Promise<void> {
  let next = 0;
  let failure: { error: unknown } | null = null;
  const lane = async (): Promise<void> => {
    while (failure === null && next < count) {
      const index = next++;
      try {
        await task(index);
      } catch (error) {
        failure ??= { error };
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, count)) }, lane));
  if (failure !== null) throw (failure as { error: unknown }).error;
}
