// A small typed client for the emulator's /_emulator control surface, for other packages' tests.
import type Stripe from "stripe";
import type { ChaosSettings } from "./webhooks/chaos.ts";
import type { DeliveryRecord } from "./webhooks/dispatcher.ts";
import type { Fault, FaultInput } from "./http/faults.ts";
import { CONTROL_HEADER } from "./control/control-guard.ts";

export interface EmulatorSettings {
  failedPaymentAction: "cancel" | "unpaid";
  retryDays: number[];
  clockAdvanceDelayMs: number;
  /** How long a portal session link stays valid before it is first opened. */
  portalSessionLifetimeSeconds: number;
  webhookRetryScheduleMs: number[];
  webhookTimeoutMs: number;
  /** API requests per second per key (Stripe's test mode allows 25), or "off"; setting it refills every key. */
  rateLimit: number | "off";
}

export interface CompleteCheckoutInput {
  /** A Stripe test card number; defaults to 4242424242424242. */
  cardNumber?: string;
  email?: string;
  name?: string;
  /** Outcome of 3-D Secure for cards that ask for it (4000002500003155). */
  authentication?: "succeed" | "fail" | "none";
  /** The billing address, when the session collects it or computes tax. */
  address?: { country: string; line1?: string; city?: string; postal_code?: string };
  /** "I'm purchasing as a business", with its tax ID (when the session collects tax IDs). */
  business?: { name: string; tax_id: string };
}

export interface CompleteCheckoutResult {
  session: Stripe.Checkout.Session;
  /** success_url with {CHECKOUT_SESSION_ID} filled in. */
  redirect_url: string | null;
}

export class EmulatorControlError extends Error {
  constructor(
    readonly status: number,
    readonly body: unknown,
  ) {
    super(`stripe-emulator control request failed with ${status}: ${JSON.stringify(body)}`);
  }
}

export class EmulatorControlClient {
  constructor(private readonly baseUrl: string) {}

  private async request<T>(method: string, path: string, body?: unknown): Promise<T> {
    const response = await fetch(`${this.baseUrl.replace(/\/$/, "")}/_emulator${path}`, {
      method,
      // The header tells the emulator this is not a web page's cross-site request (control-guard.ts).
      headers: { [CONTROL_HEADER]: "1", ...(body === undefined ? {} : { "Content-Type": "application/json" }) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const parsed: unknown = await response.json();
    if (!response.ok) throw new EmulatorControlError(response.status, parsed);
    // The emulator is the other half of this contract; its handlers return exactly these shapes.
    return parsed as T;
  }

  reset(): Promise<{ reset: true }> {
    return this.request("POST", "/reset");
  }

  snapshot(): Promise<Record<string, unknown[]>> {
    return this.request("GET", "/snapshot");
  }

  async deliveries(filter: { event?: string; endpoint?: string } = {}): Promise<DeliveryRecord[]> {
    const query = new URLSearchParams(
      Object.entries(filter).filter((entry): entry is [string, string] => entry[1] !== undefined),
    );
    const suffix = query.size === 0 ? "" : `?${query.toString()}`;
    return (await this.request<{ deliveries: DeliveryRecord[] }>("GET", `/deliveries${suffix}`)).deliveries;
  }

  /** Resolves true once no webhook delivery or retry is pending. */
  async waitForDeliveries(timeoutMs = 10_000): Promise<boolean> {
    try {
      return (await this.request<{ idle: boolean }>("POST", "/deliveries/wait", { timeoutMs })).idle;
    } catch (error) {
      if (error instanceof EmulatorControlError && error.status === 408) return false;
      throw error;
    }
  }

  getChaos(): Promise<ChaosSettings> {
    return this.request("GET", "/chaos");
  }

  setChaos(chaos: Partial<ChaosSettings>): Promise<ChaosSettings> {
    return this.request("POST", "/chaos", chaos);
  }

  addFault(fault: FaultInput): Promise<Fault> {
    return this.request("POST", "/faults", fault);
  }

  /** The faults still armed, each with the uses it has left. */
  async faults(): Promise<Fault[]> {
    return (await this.request<{ faults: Fault[] }>("GET", "/faults")).faults;
  }

  clearFaults(): Promise<{ faults: Fault[] }> {
    return this.request("DELETE", "/faults");
  }

  getSettings(): Promise<EmulatorSettings> {
    return this.request("GET", "/settings");
  }

  setSettings(settings: Partial<EmulatorSettings>): Promise<EmulatorSettings> {
    return this.request("POST", "/settings", settings);
  }

  /** Any stored object by id (customers, subscriptions, events as sent…), as the dashboard links to it. */
  object(id: string): Promise<unknown> {
    return this.request("GET", `/objects/${encodeURIComponent(id)}`);
  }

  completeCheckout(sessionId: string, input: CompleteCheckoutInput = {}): Promise<CompleteCheckoutResult> {
    return this.request("POST", `/checkout/sessions/${encodeURIComponent(sessionId)}/complete`, {
      card_number: input.cardNumber ?? "4242424242424242",
      ...(input.email === undefined ? {} : { email: input.email }),
      ...(input.name === undefined ? {} : { name: input.name }),
      ...(input.authentication === undefined ? {} : { authentication: input.authentication }),
      ...(input.address === undefined ? {} : { address: input.address }),
      ...(input.business === undefined ? {} : { business: input.business }),
    });
  }
}
