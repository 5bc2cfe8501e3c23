// How Settings → Billing words a discount: its code, what it takes off, and until when.
import { describe, expect, it } from "vitest";
import { formatDiscount } from "./format";

const base = { name: "LAUNCH20", percentOff: 20, amountOff: null, duration: "repeating", endsAt: null };

describe("formatDiscount", () => {
  it("says when a repeating discount ends", () => {
    expect(formatDiscount({ ...base, endsAt: "2027-04-10T00:00:00.000Z" }, "usd")).toBe(
      "LAUNCH20: 20% off until April 10, 2027",
    );
  });

  it("words an amount off, a one-time and a forever discount", () => {
    expect(formatDiscount({ ...base, percentOff: null, amountOff: 500, duration: "once" }, "usd")).toBe(
      "LAUNCH20: $5 off the next invoice",
    );
    expect(formatDiscount({ ...base, duration: "forever" }, "usd")).toBe("LAUNCH20: 20% off forever");
  });
});
