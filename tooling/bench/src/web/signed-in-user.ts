// A user as a browser makes one: sign up through the form (same-origin POST), keep the
// `session` cookie, subscribe through Checkout (tRPC, then the emulator's hosted-page
// completion, then the return to Settings → Billing, which syncs the subscription).
import { EmulatorControlClient } from "@saas/stripe-emulator";
import type { HttpClient } from "../load/http-client.ts";

export type SignedInUser = { email: string; cookie: string; headers: Record<string, string> };

let signedUp = 0;

/** `count` subscribers, one after another (each its own email, session and Stripe customer). */
export async function signUpSubscribers(
  client: HttpClient,
  emulatorUrl: string,
  count: number,
): Promise<SignedInUser[]> {
  const users: SignedInUser[] = [];
  for (let i = 0; i < count; i++) users.push(await signUpWithSubscription(client, emulatorUrl));
  return users;
}

async function signUpWithSubscription(client: HttpClient, emulatorUrl: string): Promise<SignedInUser> {
  const email = `bench-portal-${Date.now()}-${++signedUp}@example.com`;
  const form = new URLSearchParams({ email, name: "Bench", password: "correct horse battery staple", redirectTo: "" });
  const signup = await client.request("POST", "/signup", {
    body: form.toString(),
    headers: { "content-type": "application/x-www-form-urlencoded", origin: client.baseUrl },
  });
  const setCookie = [signup.headers["set-cookie"] ?? []].flat().find((cookie) => cookie.startsWith("session="));
  if (signup.status !== 302 || !setCookie)
    throw new Error(`sign-up answered ${signup.status} without a session cookie: ${signup.body.slice(0, 200)}`);
  const cookie = setCookie.split(";")[0] as string;
  const headers = { cookie, origin: client.baseUrl, "content-type": "application/json" };

  const checkout = await client.request("POST", "/api/trpc/billing.createCheckoutSession", {
    body: JSON.stringify({ lookupKey: "pro_monthly" }),
    headers,
  });
  const redirectUrl = trpcData<{ redirectUrl: string }>(checkout.body, checkout.status).redirectUrl;
  const sessionId = /cs_[A-Za-z0-9_]+/.exec(redirectUrl)?.[0];
  if (!sessionId) throw new Error(`no checkout session id in ${redirectUrl}`);
  await new EmulatorControlClient(emulatorUrl).completeCheckout(sessionId, { cardNumber: "4242424242424242" });
  const back = await client.request("GET", `/settings/billing?checkout=success&session_id=${sessionId}`, {
    headers: { cookie },
  });
  if (back.status !== 200) throw new Error(`the return from Checkout answered ${back.status}`);

  const status = await client.request("GET", "/api/trpc/billing.status", { headers: { cookie } });
  const subscription = trpcData<{ subscription: { status: string } | null }>(status.body, status.status).subscription;
  if (!subscription) throw new Error("the signed-in user has no subscription after Checkout");
  return { email, cookie, headers };
}

export function trpcData<T>(body: string, status: number): T {
  if (status !== 200) throw new Error(`tRPC answered ${status}: ${body.slice(0, 300)}`);
  return (JSON.parse(body) as { result: { data: T } }).result.data;
}
