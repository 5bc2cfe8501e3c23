// What the hosted pages remember between requests that is not a Stripe object: pending 3-D Secure
// challenges and how far each portal session has got. In memory only, like a browser session.
import type { CompletionInput } from "../billing/checkout-completion.ts";
import { randomToken } from "../ids.ts";
import type { ParsedCard } from "./card-form.ts";

export type Challenge =
  | {
      kind: "checkout";
      sessionId: string;
      card: ParsedCard;
      email: string | null;
      collected: Pick<CompletionInput, "address" | "business">;
    }
  | { kind: "portal_card"; portalSessionId: string; card: ParsedCard }
  | { kind: "portal_invoice"; portalSessionId: string; invoiceId: string; paymentMethodId: string };

/** Challenges nobody answers are dropped oldest first beyond this many. */
const MAX_CHALLENGES = 1_000;

export class HostedState {
  private readonly challenges = new Map<string, Challenge>();
  /** Portal session id → when it was first opened (unix seconds). */
  readonly portalOpenedAt = new Map<string, number>();
  /** Portal sessions whose deep-link flow has been entered / completed. */
  readonly flowEntered = new Set<string>();
  readonly flowCompleted = new Set<string>();

  addChallenge(challenge: Challenge): string {
    const token = randomToken(24);
    this.challenges.set(token, challenge);
    if (this.challenges.size > MAX_CHALLENGES) {
      const oldest = this.challenges.keys().next().value;
      if (oldest !== undefined) this.challenges.delete(oldest);
    }
    return token;
  }

  challenge(token: string | null): Challenge | undefined {
    return token === null ? undefined : this.challenges.get(token);
  }

  /** A challenge is answered once: Complete or Fail consumes it. */
  takeChallenge(token: string | null): Challenge | undefined {
    const found = this.challenge(token);
    if (token !== null) this.challenges.delete(token);
    return found;
  }

  clear(): void {
    this.challenges.clear();
    this.portalOpenedAt.clear();
    this.flowEntered.clear();
    this.flowCompleted.clear();
  }
}
