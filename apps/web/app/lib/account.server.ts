// Settings → Account's email change for routes: packages/auth checks the current password
// and throttles the attempt; billing applies the change, so Stripe's copy follows.
import { changeEmail as changeEmailIn } from "@saas/auth";
import { billing, updateUserEmail } from "./billing.server";
import { db } from "./db.server";

export function changeEmail(input: {
  userId: string;
  currentPassword: string;
  newEmail: string;
  ip: string;
}): Promise<void> {
  return changeEmailIn(db, input, { updateEmail: (email) => updateUserEmail(billing, input.userId, email) });
}
