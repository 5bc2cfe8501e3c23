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
