// Runs a fixed list of jobs with at most `concurrency` in flight: a closed-loop load
// generator, so it measures the throughput the system sustains, not a chosen rate.

export type PoolResult<R> = { results: R[]; seconds: number };

export async function runPool<T, R>(
  items: readonly T[],
  concurrency: number,
  job: (item: T, index: number) => Promise<R>,
): Promise<PoolResult<R>> {
  const results = new Array<R>(items.length);
  let next = 0;
  const started = performance.now();
  const worker = async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await job(items[index] as T, index);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, worker));
  return { results, seconds: (performance.now() - started) / 1000 };
}
