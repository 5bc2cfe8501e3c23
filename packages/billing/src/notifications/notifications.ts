// In-app alerts: listed and dismissed by their owner only.
import type { PrismaClient, Tx } from "@saas/db";
import { BillingNotFound } from "../errors.ts";

export const NOTIFICATION_KINDS = {
  paymentFailed: "payment_failed",
  paymentActionRequired: "payment_action_required",
  paymentRecovered: "payment_recovered",
  trialWillEnd: "trial_will_end",
  duplicateSubscription: "duplicate_subscription",
} as const;

type Alert = { kind: string; title: string; body: string; actionUrl: string | null; dedupeKey: string };

/**
 * The organization's billing contacts in the app: its owners and admins, one alert each. The
 * dedupe key makes a second write of the same alert add nothing.
 */
export async function notifyManagers(db: PrismaClient | Tx, organizationId: string, alert: Alert): Promise<void> {
  const managers = await db.membership.findMany({
    where: { organizationId, role: { in: ["owner", "admin"] } },
    select: { userId: true },
  });
  await db.notification.createMany({
    data: managers.map(({ userId }) => ({ userId, organizationId, ...alert })),
    skipDuplicates: true,
  });
}

export type NotificationView = {
  id: string;
  kind: string;
  title: string;
  body: string;
  actionUrl: string | null;
  createdAt: string;
  resolved: boolean;
};

/** The user's alerts about this organization (and those about no organization). */
export async function listNotifications(
  db: PrismaClient,
  userId: string,
  organizationId: string,
): Promise<NotificationView[]> {
  const rows = await db.notification.findMany({
    where: { userId, dismissedAt: null, OR: [{ organizationId }, { organizationId: null }] },
    orderBy: { createdAt: "desc" },
    take: 50,
  });
  return rows.map((n) => ({
    id: n.id,
    kind: n.kind,
    title: n.title,
    body: n.body,
    actionUrl: n.actionUrl,
    createdAt: n.createdAt.toISOString(),
    resolved: n.resolvedAt !== null,
  }));
}

/** Dismisses one of the user's own notifications; another user's id is "not found". */
export async function dismissNotification(db: PrismaClient, userId: string, id: string): Promise<void> {
  const { count } = await db.notification.updateMany({
    where: { id, userId, dismissedAt: null },
    data: { dismissedAt: new Date() },
  });
  if (!count) throw new BillingNotFound("notification not found");
}
