// Test and seed factories: rows with sensible defaults, every field overridable.
import { randomBytes } from "node:crypto";
import type { Account, PrismaClient, Subscription, User } from "./generated/prisma/client.ts";

const unique = () => randomBytes(5).toString("hex");
const DAY = 24 * 60 * 60 * 1000;

/** A hash no password verifies against; pass a real one to make a user who can log in. */
export const UNUSABLE_PASSWORD_HASH = "!unusable";

export type UserWithAccount = User & { account: Account };

/** A user and its billing account, created together as sign-up does. */
export async function createUser(
  db: PrismaClient,
  overrides: { email?: string; name?: string | null; passwordHash?: string; stripeCustomerId?: string | null } = {},
): Promise<UserWithAccount> {
  const user = await db.user.create({
    data: {
      email: overrides.email ?? `user-${unique()}@example.com`,
      name: overrides.name === undefined ? "Test User" : overrides.name,
      passwordHash: overrides.passwordHash ?? UNUSABLE_PASSWORD_HASH,
      account: { create: { stripeCustomerId: overrides.stripeCustomerId ?? null } },
    },
    include: { account: true },
  });
  if (!user.account) throw new Error("account was not created");
  return { ...user, account: user.account };
}

export async function createSubscription(
  db: PrismaClient,
  account: Pick<Account, "id" | "stripeCustomerId">,
  overrides: Partial<Omit<Subscription, "id" | "accountId">> = {},
): Promise<Subscription> {
  const now = Date.now();
  return db.subscription.create({
    data: {
      accountId: account.id,
      stripeCustomerId: account.stripeCustomerId ?? `cus_${unique()}`,
      stripeSubscriptionId: `sub_${unique()}`,
      status: "active",
      stripePriceId: `price_${unique()}`,
      stripeProductId: `prod_${unique()}`,
      priceLookupKey: "pro_monthly",
      quantity: 1,
      currentPeriodStart: new Date(now),
      currentPeriodEnd: new Date(now + 30 * DAY),
      syncedAt: new Date(now),
      ...overrides,
    },
  });
}
