// Member limits: a flat plan is for so many members (the catalog's memberLimit), a per-seat
// plan for any number. Invitations count against a flat plan's room while they are open, so
// the invitations out can all be accepted; accepting re-checks under the organization's lock.
import type { PrismaClient, Tx } from "@saas/db";
import { CATALOG, findCatalogPrice, type CatalogPrice, type CatalogProduct } from "../catalog/catalog.ts";
import { SeatLimitReached } from "../errors.ts";
import { BILLED_STATUSES, queueSeatSync, seatCount } from "./seat-sync.ts";

export type SeatUsage = {
  /** Active members: a per-seat plan's seats. */
  members: number;
  /** Open invitations that have not expired. */
  invitations: number;
  /** The current plan's name, or null with no billed plan. */
  planName: string | null;
  perSeat: boolean;
  /** The most members the current plan allows, or null for no limit (per seat, or no plan). */
  limit: number | null;
  /**
   * Where a full flat plan upgrades to: the per-seat plan's price at the current plan's
   * interval (a lookup key), or null on a per-seat plan or none.
   */
  upgradeTo: string | null;
};

/** The catalog product and price the organization is billed for now, or null. */
async function billedPlan(
  db: PrismaClient | Tx,
  organizationId: string,
): Promise<{ product: CatalogProduct; price: CatalogPrice } | null> {
  const subscription = await db.subscription.findFirst({
    where: { account: { organizationId }, status: { in: BILLED_STATUSES } },
    orderBy: [{ createdAt: "desc" }, { id: "desc" }],
    select: { priceLookupKey: true },
  });
  return subscription?.priceLookupKey ? findCatalogPrice(subscription.priceLookupKey) : null;
}

function perSeatPriceAt(interval: CatalogPrice["interval"]): string | null {
  const perSeat = (CATALOG as readonly CatalogProduct[]).find((product) => product.perSeat);
  return perSeat?.prices.find((price) => price.interval === interval)?.lookupKey ?? null;
}

export async function seatUsage(db: PrismaClient | Tx, organizationId: string, now = new Date()): Promise<SeatUsage> {
  const [plan, members, invitations] = await Promise.all([
    billedPlan(db, organizationId),
    seatCount(db, organizationId),
    db.invitation.count({ where: { organizationId, acceptedAt: null, revokedAt: null, expiresAt: { gt: now } } }),
  ]);
  return {
    members,
    invitations,
    planName: plan?.product.name ?? null,
    perSeat: plan?.product.perSeat ?? false,
    limit: plan?.product.memberLimit ?? null,
    upgradeTo: plan && !plan.product.perSeat ? perSeatPriceAt(plan.price.interval) : null,
  };
}

/**
 * For the transaction that sends an invitation, under the organization's row lock: refuses
 * one the current plan has no room for (members and open invitations take it all).
 */
export async function ensureRoomToInvite(tx: Tx, organizationId: string): Promise<void> {
  const usage = await seatUsage(tx, organizationId);
  if (usage.limit !== null && usage.members + usage.invitations >= usage.limit)
    throw new SeatLimitReached("invite", usage.planName ?? "current", usage.limit);
}

/**
 * For the transaction that accepts an invitation, after the membership was added and under
 * the organization's row lock (acceptInvitation takes it before adding the member, so
 * concurrent acceptances count each other): refuses a member beyond the current plan's
 * limit, and queues the seat job.
 */
export async function admitMember(tx: Tx, organizationId: string): Promise<void> {
  const usage = await seatUsage(tx, organizationId);
  if (usage.limit !== null && usage.members > usage.limit)
    throw new SeatLimitReached("join", usage.planName ?? "current", usage.limit);
  await queueSeatSync(tx, organizationId);
}
