// The customer-contact job: sends a Stripe customer the email its organization is billed at
// now (billingContact). Queued when a change of email failed on Stripe's side and was taken
// back in the app: the call that failed may have reached Stripe before its answer was lost,
// so Stripe is sent the app's value again, with the queue's retries, until it holds it.
import { Prisma, type PrismaClient } from "@saas/db";
import type Stripe from "stripe";
import { callStripe } from "../errors.ts";
import { billingContact } from "./billing-contact.ts";

export const CUSTOMER_CONTACT_TASK = "billing.push-customer-contact";

/** SQL that queues the job for the customer; one pending job per customer. */
function enqueueCustomerContact(customerId: string): Prisma.Sql {
  return Prisma.sql`graphile_worker.add_job(
    ${CUSTOMER_CONTACT_TASK},
    json_build_object('customerId', ${customerId}::text),
    job_key => 'contact:' || ${customerId}::text,
    max_attempts => 12
  )`;
}

export async function queueCustomerContact(db: PrismaClient, customerIds: readonly string[]): Promise<void> {
  for (const customerId of customerIds) await db.$executeRaw`SELECT ${enqueueCustomerContact(customerId)}`;
}

export function parseCustomerContactPayload(payload: unknown): { customerId: string } {
  const customerId = (payload as { customerId?: unknown } | null)?.customerId;
  if (typeof customerId !== "string" || !customerId)
    throw new Error(`not a customer contact payload: ${JSON.stringify(payload)}`);
  return { customerId };
}

/** Sends the customer its organization's billing email; nothing for a customer no account maps. */
export async function pushCustomerContact(
  { db, stripe }: { db: PrismaClient; stripe: Stripe },
  customerId: string,
): Promise<string | null> {
  const account = await db.account.findUnique({
    where: { stripeCustomerId: customerId },
    select: { organizationId: true },
  });
  if (!account) return null;
  const { email } = await billingContact(db, account.organizationId);
  await callStripe(() => stripe.customers.update(customerId, { email }));
  return email;
}
