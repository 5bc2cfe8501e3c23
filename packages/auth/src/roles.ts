// Membership roles and what each may do, in one place for every layer.
import type { MembershipRole } from "@saas/db";

export type { MembershipRole };

export const ROLES = ["owner", "admin", "member"] as const satisfies readonly MembershipRole[];

const RANK: Record<MembershipRole, number> = { member: 0, admin: 1, owner: 2 };

/** True when `role` is `required` or above it (owner > admin > member). */
export function hasRole(role: MembershipRole, required: MembershipRole): boolean {
  return RANK[role] >= RANK[required];
}

/** Owners and admins manage billing and members; members only read. */
export const BILLING_MANAGER: MembershipRole = "admin";
