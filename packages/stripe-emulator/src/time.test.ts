import { describe, expect, it } from "vitest";
import { addInterval } from "./time.ts";

const at = (y: number, m: number, d: number) => Date.UTC(y, m, d, 12) / 1000;

describe("addInterval", () => {
  it("keeps the anchor day and clamps to short months", () => {
    expect(addInterval(at(2027, 0, 31), "month", 1)).toBe(at(2027, 1, 28));
    expect(addInterval(at(2027, 1, 28), "month", 1, 31)).toBe(at(2027, 2, 31));
    expect(addInterval(at(2027, 11, 15), "month", 1)).toBe(at(2028, 0, 15));
    expect(addInterval(at(2028, 1, 29), "year", 1)).toBe(at(2029, 1, 28));
  });

  it("adds days and weeks exactly", () => {
    expect(addInterval(at(2027, 0, 1), "day", 3)).toBe(at(2027, 0, 4));
    expect(addInterval(at(2027, 0, 1), "week", 2)).toBe(at(2027, 0, 15));
  });
});
