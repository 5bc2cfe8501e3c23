export { changeEmail, changePassword } from "./account-changes.ts";
export { logIn, signUp, type NewUser } from "./accounts.ts";
export { createAuth, type Auth } from "./lucia.ts";
export {
  AlreadyInvited,
  EmailTaken,
  InvitationNotFound,
  InvitationUnusable,
  InvalidCredentials,
  LastOwner,
  MemberNotFound,
  NotAllowed,
  NotAMember,
  TooManyAttempts,
  type InvitationRefusal,
} from "./errors.ts";
export {
  acceptInvitation,
  INVITATION_TTL_MS,
  inviteMember,
  listInvitations,
  resendInvitation,
  revokeInvitation,
  viewInvitation,
  type InvitationView,
  type PendingInvitation,
} from "./invitations.ts";
export { changeMemberRole, listMembers, removeMember, type MembersChanged, type MemberView } from "./members.ts";
export {
  createOrganization,
  createOrganizationSchema,
  listOrganizations,
  organizationNameSchema,
  switchOrganization,
  type CurrentOrganization,
  type OrganizationSummary,
} from "./organizations.ts";
export { BILLING_MANAGER, hasRole, ROLES, type MembershipRole } from "./roles.ts";
export { isSameOrigin } from "./origin.ts";
export { AUTH_RETENTION, pruneAuthRecords, type AuthPruneResult } from "./housekeeping.ts";
export { hashPassword, verifyPassword } from "./password.ts";
export { safeRedirect } from "./redirects.ts";
export { THROTTLE } from "./throttle.ts";
export { emailSchema, loginSchema, passwordSchema, signupSchema } from "./validation.ts";
export type { Session, User } from "lucia";
