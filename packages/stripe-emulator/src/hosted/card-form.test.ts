import { describe, expect, it } from "vitest";
import { validateCard, validateEmail } from "./card-form.ts";

const TODAY = new Date(Date.UTC(2026, 5, 15));
const valid = { cardNumber: "4242 4242 4242 4242", cardExpiry: "12 / 34", cardCvc: "123", billingName: "Jenny Rosen" };

describe("validateCard", () => {
  it("parses a complete card", () => {
    expect(validateCard(valid, TODAY)).toEqual({
      card: { number: "4242424242424242", expMonth: 12, expYear: 2034, name: "Jenny Rosen" },
      errors: {},
    });
    expect(validateCard({ ...valid, cardExpiry: "06/2026" }, TODAY).card).toMatchObject({ expMonth: 6, expYear: 2026 });
  });

  it("words each problem as Stripe's card form does", () => {
    expect(validateCard({ ...valid, cardNumber: "4242 4242" }, TODAY).errors).toEqual({
      cardNumber: "Your card number is incomplete.",
    });
    expect(validateCard({ ...valid, cardNumber: "4242424242424241" }, TODAY).errors).toEqual({
      cardNumber: "Your card number is invalid.",
    });
    expect(validateCard({ ...valid, cardExpiry: "1" }, TODAY).errors).toEqual({
      cardExpiry: "Your card's expiration date is incomplete.",
    });
    expect(validateCard({ ...valid, cardExpiry: "13/30" }, TODAY).errors).toEqual({
      cardExpiry: "Your card's expiration date is invalid.",
    });
    expect(validateCard({ ...valid, cardExpiry: "12/25" }, TODAY).errors).toEqual({
      cardExpiry: "Your card's expiration year is in the past.",
    });
    expect(validateCard({ ...valid, cardExpiry: "05/26" }, TODAY).errors).toEqual({
      cardExpiry: "Your card's expiration date is in the past.",
    });
    expect(validateCard({ ...valid, cardCvc: "12" }, TODAY).errors).toEqual({
      cardCvc: "Your card's security code is incomplete.",
    });
    expect(validateCard({ ...valid, cardNumber: "378282246310005", cardCvc: "123" }, TODAY).errors).toEqual({
      cardCvc: "Your card's security code is incomplete.",
    });
    expect(validateCard({ ...valid, billingName: "" }, TODAY).errors).toEqual({ billingName: "Required" });
  });

  it("checks emails", () => {
    expect(validateEmail("")).toBe("Your email is incomplete.");
    expect(validateEmail("jenny@")).toBe("Your email address is invalid.");
    expect(validateEmail("jenny@example.com")).toBeUndefined();
  });
});
