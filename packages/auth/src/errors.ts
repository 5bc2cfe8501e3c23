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
