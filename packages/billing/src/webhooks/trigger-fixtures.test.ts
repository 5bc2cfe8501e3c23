// `pnpm emulator trigger` has a fixture for each event the webhook handles (and no other), so a
// QA engineer can fire any of them offline; tests/e2e/flows/trigger.spec.ts fires one at the app.
import { projectFixtures } from "@saas/stripe-emulator";
import { describe, expect, it } from "vitest";
import { HANDLED_EVENTS } from "./handle-stripe-webhook.ts";

describe("trigger fixtures", () => {
  it("exist for exactly the events the webhook handles", async () => {
    expect(await projectFixtures()).toEqual([...HANDLED_EVENTS].sort());
  });
});
