// Typed outcomes of the auth services, mapped to messages by the routes.

/** The email belongs to another account. Routes word it for users so as to say as little as they can. */
export class EmailTaken extends Error {
  override name = "EmailTaken";
  constructor() {
    super("The email belongs to another account");
  }
}

export class InvalidCredentials extends Error {
  override name = "InvalidCredentials";
  constructor() {
    super("Invalid email or password");
  }
}

export class TooManyAttempts extends Error {
  override name = "TooManyAttempts";
  constructor(readonly retryAfterSeconds: number) {
    const minutes = Math.max(1, Math.ceil(retryAfterSeconds / 60));
    super(`Too many failed attempts. Try again in ${minutes} minute${minutes === 1 ? "" : "s"}.`);
  }
}

/** The user is not a member of that organization (or it does not exist: the two look the same). */
export class NotAMember extends Error {
  override name = "NotAMember";
  constructor() {
    super("Organization not found");
  }
}

/** No member of this organization has that user id (another organization's members look the same). */
export class MemberNotFound extends Error {
  override name = "MemberNotFound";
  constructor() {
    super("Member not found");
  }
}

/** The actor's role does not allow this change. */
export class NotAllowed extends Error {
  override name = "NotAllowed";
  constructor() {
    super("Your role in this organization does not allow that");
  }
}

/** The change would leave the organization without an owner. */
export class LastOwner extends Error {
  override name = "LastOwner";
  constructor() {
    super("An organization needs an owner: make someone else an owner first");
  }
}

/** The address already belongs to a member, or has an invitation that is still open. */
export class AlreadyInvited extends Error {
  override name = "AlreadyInvited";
  constructor(readonly reason: "member" | "pending") {
    super(
      reason === "member"
        ? "That person is already a member of this organization"
        : "That address has an open invitation already: resend it from the list",
    );
  }
}

/** No open invitation of this organization has that id (another organization's look the same). */
export class InvitationNotFound extends Error {
  override name = "InvitationNotFound";
  constructor() {
    super("Invitation not found");
  }
}

/** Why an invitation link cannot be used. */
export type InvitationRefusal = "invalid" | "accepted" | "revoked" | "expired" | "other-email";

const REFUSALS: Record<InvitationRefusal, string> = {
  invalid: "This invitation link is not valid",
  accepted: "This invitation has already been used",
  revoked: "This invitation was withdrawn",
  expired: "This invitation has expired: ask for a new one",
  "other-email": "This invitation is for another email address",
};

/** The link is unknown, used, withdrawn, expired, or for someone else. */
export class InvitationUnusable extends Error {
  override name = "InvitationUnusable";
  constructor(readonly reason: InvitationRefusal) {
    super(REFUSALS[reason]);
  }
}
