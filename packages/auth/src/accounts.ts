// Sign-up and log-in: the two ways a user proves who they are.
import type { PrismaClient, User } from "@saas/db";
import { isUniqueViolation } from "@saas/db";
import { EmailTaken, InvalidCredentials } from "./errors.ts";
import { organizationSlug, personalOrganizationName } from "./organizations.ts";
import { hashPassword, verifyAgainstDecoy, verifyPassword } from "./password.ts";
import { beginAttempt } from "./throttle.ts";

export type NewUser = { email: string; password: string; name: string | null };

/**
 * Creates the user, their personal organization (owned by them) and its billing account in
 * one transaction (a nested create). Whether an email is taken
 * shows in the outcome, so asking counts like a failed log-in (per email and per address);
 * a sign-up that succeeds does not count.
 */
export async function signUp(db: PrismaClient, input: NewUser & { ip: string }): Promise<User> {
  const attempt = await beginAttempt(db, { email: input.email, ip: input.ip });
  const passwordHash = await hashPassword(input.password);
  try {
    const name = personalOrganizationName(input);
    const user = await db.user.create({
      data: {
        email: input.email,
        name: input.name,
        passwordHash,
        memberships: {
          create: {
            role: "owner",
            organization: { create: { name, slug: organizationSlug(name), account: { create: {} } } },
          },
        },
      },
    });
    await attempt.succeeded();
    return user;
  } catch (error) {
    if (isUniqueViolation(error)) throw new EmailTaken();
    await attempt.discard();
    throw error;
  }
}

/** The user for a correct email and password; InvalidCredentials or TooManyAttempts otherwise. */
export async function logIn(db: PrismaClient, input: { email: string; password: string; ip: string }): Promise<User> {
  const attempt = await beginAttempt(db, { email: input.email, ip: input.ip });
  const user = await db.user.findUnique({ where: { email: input.email } });
  const valid = user
    ? await verifyPassword(user.passwordHash, input.password)
    : await verifyAgainstDecoy(input.password);
  if (!user || !valid) throw new InvalidCredentials();
  await attempt.succeeded();
  return user;
}
