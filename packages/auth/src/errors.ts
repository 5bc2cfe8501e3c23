// Typed outcomes of the auth services, mapped to messages by the routes.

export class EmailTaken extends Error {
  override name = "EmailTaken";
  constructor() {
    super("An account with this email already exists");
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
