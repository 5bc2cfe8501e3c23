// Test and seed factories: rows with sensible defaults, every field overridable.
import { randomBytes } from "node:crypto";
import type {
  Account,
  Membership,
  MembershipRole,
  Organization,
  PrismaClient,
  Subscription,
  User,
} from "./generated/prisma/client.ts";

const unique = () => randomBytes(5).toString("hex");
const DAY = 24 * 60 * 60 * 1000;

/** A hash no password verifies against; pass a real one to make a user who can log in. */
export const UNUSABLE_PASSWORD_HASH = "!unusable";

/** A user with their personal organization and its billing account. */
export type UserWithAccount = User & { account: Account; organization: Organization };

/** A user, their personal organization (owned) and its billing account, created together as sign-up does. */
export async function createUser(
  db: PrismaClient,
  overrides: { email?: string; name?: string | null; passwordHash?: string; stripeCustomerId?: string | null } = {},
): Promise<UserWithAccount> {
  const user = await db.user.create({
    data: {
      email: overrides.email ?? `user-${unique()}@example.com`,
      name: overrides.name === undefined ? "Test User" : overrides.name,
      passwordHash: overrides.passwordHash ?? UNUSABLE_PASSWORD_HASH,
    },
  });
  const { organization, account } = await createOrganization(db, {
    name: user.name ?? user.email,
    owner: user.id,
    stripeCustomerId: overrides.stripeCustomerId ?? null,
  });
  return { ...user, account, organization };
}

/** An organization with its billing account, owned by `owner` when given. */
export async function createOrganization(
  db: PrismaClient,
  options: { name?: string; owner?: string; stripeCustomerId?: string | null; billingEmail?: string | null } = {},
): Promise<{ organization: Organization; account: Account }> {
  const organization = await db.organization.create({
    data: {
      name: options.name ?? `Org ${unique()}`,
      slug: `org-${unique()}`,
      billingEmail: options.billingEmail ?? null,
      account: { create: { stripeCustomerId: options.stripeCustomerId ?? null } },
      ...(options.owner ? { memberships: { create: { userId: options.owner, role: "owner" } } } : {}),
    },
    include: { account: true },
  });
  if (!organization.account) throw new Error("account was not created");
  const { account, ...rest } = organization;
  return { organization: rest, account };
}

/** Makes the user a member of the organization with the role. */
export async function addMember(
  db: PrismaClient,
  organizationId: string,
  userId: string,
  role: MembershipRole = "member",
): Promise<Membership> {
  return db.membership.create({ data: { organizationId, userId, role } });
}

/** The billing account of the user's personal organization (their first membership). */
export async function personalAccountOf(db: PrismaClient, userId: string): Promise<Account> {
  const membership = await db.membership.findFirstOrThrow({
    where: { userId },
    orderBy: [{ createdAt: "asc" }, { id: "asc" }],
    select: { organization: { select: { account: true } } },
  });
  if (!membership.organization.account) throw new Error(`no billing account for user ${userId}`);
  return membership.organization.account;
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
