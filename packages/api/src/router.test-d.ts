// Type-level guarantees for clients of the router: checked by `tsc` (pnpm typecheck) and vitest's typecheck.
import { expectTypeOf, test } from "vitest";
import type { LookupKey } from "@saas/billing";
import type { RouterInputs, RouterOutputs } from "./index.ts";

test("portal flows are a closed set", () => {
  expectTypeOf<{ flow: "payment_method_update" }>().toMatchTypeOf<
    NonNullable<RouterInputs["billing"]["createPortalSession"]>
  >();
  // @ts-expect-error: not a portal flow
  const input: RouterInputs["billing"]["createPortalSession"] = { flow: "delete_everything" };
  void input;
});

test("checkout takes a lookup key of the catalog and answers with where to go", () => {
  expectTypeOf<RouterInputs["billing"]["createCheckoutSession"]>().toEqualTypeOf<{ lookupKey: LookupKey }>();
  // @ts-expect-error: not a lookup key we sell
  const input: RouterInputs["billing"]["createCheckoutSession"] = { lookupKey: "free_forever" };
  void input;
  expectTypeOf<RouterOutputs["billing"]["createCheckoutSession"]>().toEqualTypeOf<{ redirectUrl: string }>();
});

test("status dates cross the wire as strings", () => {
  expectTypeOf<
    NonNullable<RouterOutputs["billing"]["status"]["subscription"]>["currentPeriodEnd"]
  >().toEqualTypeOf<string>();
});

test("status takes no input: it only ever reads the caller's own account", () => {
  expectTypeOf<RouterInputs["billing"]["status"]>().toEqualTypeOf<void>();
});
