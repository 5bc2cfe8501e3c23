// Form rules shared by sign-up, log-in and Settings, so the server and the page agree.
import { z } from "zod";
import { weakPasswordMessage } from "./password-strength.ts";

export const emailSchema = z
  .string({ error: "Enter your email address" })
  .trim()
  .toLowerCase()
  .pipe(z.email({ error: "Enter a valid email address" }).max(254, { error: "Email is too long" }));

/** A new password (sign-up, password change): 8 to 256 characters and hard to guess. */
export const passwordSchema = z
  .string({ error: "Enter a password" })
  // A password of the wrong length gets that one message, and is never judged.
  .min(8, { error: "Use at least 8 characters", abort: true })
  .max(256, { error: "Use at most 256 characters", abort: true })
  .superRefine((password, ctx) => {
    const weakness = weakPasswordMessage(password);
    if (weakness) ctx.addIssue({ code: "custom", message: weakness });
  });

export const signupSchema = z.object({
  email: emailSchema,
  password: passwordSchema,
  name: z
    .string()
    .trim()
    .max(100, { error: "Name is too long" })
    .optional()
    .transform((v) => v || null),
});

// Log-in does not re-apply the length rules: a wrong password gets the same answer as any other.
export const loginSchema = z.object({
  email: emailSchema,
  password: z
    .string({ error: "Enter your password" })
    .min(1, { error: "Enter your password" })
    .max(256, { error: "Invalid email or password" }),
});
