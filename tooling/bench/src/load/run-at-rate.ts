// Starts jobs at a fixed arrival rate, however many are still in flight: an open-loop load
// generator. Latency is counted from when a job was due, not from when it started, so a
// stalled server is charged for the requests that queued behind it.

export type RateResult<R> = { results: Array<{ value: R; ms: number }>; seconds: number; maxInFlight: number };

export async function runAtRate<T, R>(
  items: readonly T[],
  perSecond: number,
  job: (item: T, index: number) => Promise<R>,
): Promise<RateResult<R>> {
  const started = performance.now();
  let inFlight = 0;
  let maxInFlight = 0;
  const results = await Promise.all(
    items.map(async (item, index) => {
      const due = started + (index * 1000) / perSecond;
      const wait = due - performance.now();
      if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
      maxInFlight = Math.max(maxInFlight, ++inFlight);
      try {
        const value = await job(item, index);
        return { value, ms: performance.now() - due };
      } finally {
        inFlight--;
      }
    }),
  );
  return { results, seconds: (performance.now() - started) / 1000, maxInFlight };
}
