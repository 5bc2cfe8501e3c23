// Types and error helpers of the data model. Importing this opens no connection;
// the client lives in "@saas/db/client".
import { Prisma } from "./generated/prisma/client.ts";

export { Prisma };
export type {
  Account,
  EmailLog,
  Invitation,
  LoginAttempt,
  Membership,
  MembershipRole,
  Notification,
  Organization,
  PrismaClient,
  Session,
  Subscription,
  User,
  WebhookLog,
} from "./generated/prisma/client.ts";

/** True when a write failed on a unique constraint (a duplicate). */
export function isUniqueViolation(error: unknown): boolean {
  return error instanceof Prisma.PrismaClientKnownRequestError && error.code === "P2002";
}

/** The client handed to an interactive transaction's callback. */
export type Tx = Prisma.TransactionClient;
