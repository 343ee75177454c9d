/**
 * Runs `act` over the items, at most `limit` at a time, so that their calls
 * to stores and services overlap. After a failure no further item is
 * started; the first failure is thrown once every running item has stopped,
 * so nothing runs on after the caller has been told.
 */
export async function eachConcurrently<T>(items: readonly T[], limit: number, act: (item: T) => Promise<void>): Promise<void> {
  let at = 0;
  let failed = false;
  const worker = async () => {
    while (at < items.length && !failed) {
      try {
        await act(items[at++]!);
      } catch (error) {
        failed = true;
        throw error;
      }
    }
  };
  const outcomes = await Promise.allSettled(Array.from({ length: Math.min(Math.max(1, limit), items.length) }, worker));
  const failure = outcomes.find((outcome) => outcome.status === 'rejected');
  if (failure) throw failure.reason;
}
