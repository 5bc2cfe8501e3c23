// toQueueHealth: the row of QUEUE_HEALTH_QUERY as /healthz reports it (events.test.ts runs the query).
import { describe, expect, it } from "vitest";
import { toQueueHealth } from "./queue-health.ts";

describe("toQueueHealth", () => {
  it("reports the row, the oldest job's age in whole seconds", () => {
    expect(toQueueHealth([{ depth: 3, oldest: 89.6, failed: 2 }])).toEqual({
      depth: 3,
      oldestAgeSeconds: 90,
      failed: 2,
    });
  });

  it("reports an empty queue as zeros, and a job stamped ahead of the clock as new", () => {
    expect(toQueueHealth([])).toEqual({ depth: 0, oldestAgeSeconds: 0, failed: 0 });
    expect(toQueueHealth([{ depth: 1, oldest: null, failed: 0 }])).toEqual({
      depth: 1,
      oldestAgeSeconds: 0,
      failed: 0,
    });
    expect(toQueueHealth([{ depth: 1, oldest: -4.2, failed: 0 }])).toMatchObject({ oldestAgeSeconds: 0 });
  });
});
