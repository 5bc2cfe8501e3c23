// Chaos switches for webhook delivery: duplicates, reordering within a window, random delays.
import { z } from "zod";

export const chaosSchema = z.object({
  /** Probability (0–1) that an event is delivered a second time. */
  duplicateProbability: z.number().min(0).max(1),
  /** Deliveries get a random delay up to this many ms and lose per-object ordering. */
  reorderWindowMs: z.number().int().min(0),
  /** Random extra delay (ms) before every delivery, ordering kept. */
  maxDelayMs: z.number().int().min(0),
});

export type ChaosSettings = z.infer<typeof chaosSchema>;

export const NO_CHAOS: ChaosSettings = { duplicateProbability: 0, reorderWindowMs: 0, maxDelayMs: 0 };

export function randomDelay(maxMs: number): number {
  return maxMs <= 0 ? 0 : Math.floor(Math.random() * (maxMs + 1));
}
