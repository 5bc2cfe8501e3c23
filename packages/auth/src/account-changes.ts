// Settings → Account: changes that need the current password. Each check of it counts
// like a log-in attempt for the user's email, so a hijacked session gets no more guesses
// than the log-in form gives, and the two share one count.
import type { PrismaClient, User } from "@saas/db";
import { isUniqueViolation } from "@saas/db";
import { EmailTaken, InvalidCredentials } from "./errors.ts";
import { hashPassword, verifyPassword } from "./password.ts";
import { beginAttempt } from "./throttle.ts";

type Reauthentication = { userId: string; currentPassword: string; ip: string };

/** The signed-in user, once the current password is right; InvalidCredentials or TooManyAttempts otherwise. */
async function reauthenticate(db: PrismaClient, input: Reauthentication): Promise<User> {
  const user = await db.user.findUniqueOrThrow({ where: { id: input.userId } });
  const attempt = await beginAttempt(db, { email: user.email, ip: input.ip });
  if (!(await verifyPassword(user.passwordHash, input.currentPassword))) throw new InvalidCredentials();
  await attempt.succeeded();
  return user;
}

/** Changes the password and signs the user out everywhere else. */
export async function changePassword(
  db: PrismaClient,
  input: Reauthentication & { newPassword: string; keepSessionId?: string },
): Promise<void> {
  const user = await reauthenticate(db, input);
  const passwordHash = await hashPassword(input.newPassword);
  await db.$transaction([
    db.user.update({ where: { id: user.id }, data: { passwordHash } }),
    db.session.deleteMany({
      where: { userId: user.id, ...(input.keepSessionId ? { id: { not: input.keepSessionId } } : {}) },
    }),
  ]);
}

/**
 * Moves the account to another email. `updateEmail` applies it (billing's, so Stripe's copy
 * follows). Whether the new email is taken shows in the outcome, so asking counts per that
 * email and per address, as sign-up does; an outage while applying does not count.
 */
export async function changeEmail(
  db: PrismaClient,
  input: Reauthentication & { newEmail: string },
  deps: { updateEmail: (email: string) => Promise<void> },
): Promise<void> {
  await reauthenticate(db, input);
  const attempt = await beginAttempt(db, { email: input.newEmail, ip: input.ip });
  try {
    await deps.updateEmail(input.newEmail);
  } catch (error) {
    if (isUniqueViolation(error)) throw new EmailTaken();
    await attempt.discard();
    throw error;
  }
  await attempt.succeeded();
}
