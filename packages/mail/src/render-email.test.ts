import { describe, expect, it } from "vitest";
import { linksOf } from "./inbox/inbox-store.ts";
import { renderEmail } from "./render-email.ts";
import { EMAIL_KINDS } from "./templates/index.tsx";
import { SAMPLE_DATA, SAMPLE_SECRETS } from "./templates/samples.ts";

const context = { appBaseUrl: "https://app.example.com" };

describe("rendering", () => {
  it.each(EMAIL_KINDS)("%s has a subject, HTML and plain text with the product name and a link back", async (kind) => {
    const email = await renderEmail(kind, SAMPLE_DATA[kind](), context, SAMPLE_SECRETS[kind]?.());
    expect(email.subject.length).toBeGreaterThan(5);
    expect(email.html).toMatch(/^<!DOCTYPE html/i);
    expect(email.html).toContain("Acme SaaS");
    expect(email.text).toContain("Acme SaaS");
    expect(email.text).not.toMatch(/<[a-z]/i);
    const links = linksOf(email.html).map((l) => l.href);
    expect(links.some((href) => /^https:\/\/app\.example\.com\/(settings|invitations)\//.test(href))).toBe(true);
    // The plain-text part carries the links too.
    for (const href of links) expect(email.text).toContain(href);
  });

  it("payment failed: the amount, the retry date, the grace period and the update-payment-method link", async () => {
    const nextAttempt = Date.UTC(2026, 11, 5, 12) / 1000;
    const email = await renderEmail(
      "payment_failed",
      { amountDue: 2900, currency: "usd", nextPaymentAttempt: nextAttempt, planName: "Pro" },
      context,
    );
    expect(email.subject).toBe("Your payment of $29.00 failed");
    expect(email.text).toContain("We couldn't charge $29.00 for your Pro subscription.");
    expect(email.text).toContain("We'll try again on December 5, 2026.");
    expect(email.text).toContain("grace period");
    expect(linksOf(email.html)).toContainEqual({
      text: "Update payment method",
      href: "https://app.example.com/settings/billing?action=update-payment-method",
    });
  });

  it("payment failed with no retry scheduled says so", async () => {
    const data = { amountDue: 100_000, currency: "eur", nextPaymentAttempt: null, planName: null };
    const email = await renderEmail("payment_failed", data, context);
    expect(email.text).toContain("We couldn't charge €1,000.00 for your subscription.");
    expect(email.text).toContain("We won't retry automatically.");
  });

  it("the emails a user can turn off link to the preferences; payment emails say they always go out", async () => {
    const trial = await renderEmail("trial_ending", SAMPLE_DATA.trial_ending(), context);
    expect(linksOf(trial.html)).toContainEqual({
      text: "email preferences",
      href: "https://app.example.com/settings/account",
    });
    const failed = await renderEmail("payment_failed", SAMPLE_DATA.payment_failed(), context);
    expect(failed.text).toContain("Payment emails are always sent.");
  });

  it("cancellation emails carry the end date", async () => {
    const endsAt = Date.UTC(2027, 0, 31) / 1000;
    const scheduled = await renderEmail("subscription_cancel_scheduled", { endsAt, planName: "Team" }, context);
    expect(scheduled.subject).toBe("Your Team subscription ends on January 31, 2027");
    const ended = await renderEmail("subscription_canceled", { endsAt, planName: "Team" }, context);
    expect(ended.subject).toBe("Your Team subscription has ended");
    expect(ended.text).toContain("ended on January 31, 2027");
  });

  it("refuses data that does not fit the template", async () => {
    await expect(renderEmail("payment_failed", { amountDue: "29" }, context)).rejects.toThrow();
  });

  it("invitation: who invites, to what, as which role, until when, and the single-use link", async () => {
    const data = {
      organizationName: "Acme Robotics",
      inviterName: "Ada Lovelace",
      role: "admin" as const,
      expiresAt: Date.UTC(2026, 11, 9, 12) / 1000,
    };
    const email = await renderEmail("invitation", data, context, { token: "abc_DEF-123456789012345" });
    expect(email.subject).toBe("Ada Lovelace invited you to join Acme Robotics");
    expect(email.text).toContain("Ada Lovelace invited you to join Acme Robotics as an admin.");
    expect(email.text).toContain("until December 9, 2026");
    expect(linksOf(email.html)).toContainEqual({
      text: "Accept the invitation",
      href: "https://app.example.com/invitations/abc_DEF-123456789012345",
    });
    // Without its token the email cannot be made: there is no link to send.
    await expect(renderEmail("invitation", data, context)).rejects.toThrow();
  });
});
