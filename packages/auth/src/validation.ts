// Form rules shared by sign-up and log-in, so the server and the page agree.
import { z } from "zod";

export const emailSchema = z
  .string({ error: "Enter your email address" })
  .trim()
  .toLowerCase()
  .pipe(z.email({ error: "Enter a valid email address" }).max(254, { error: "Email is too long" }));

export const passwordSchema = z
  .string({ error: "Enter a password" })
  .min(8, { error: "Use at least 8 characters" })
  .max(256, { error: "Use at most 256 characters" });

export const signupSchema = z.object({
  email: emailSchema,
  password: passwordSchema,
  name: z.string().trim().max(100, { error: "Name is too long" }).optional().transform((v) => v || null),
});

// Log-in does not re-apply the length rules: a wrong password gets the same answer as any other.
export const loginSchema = z.object({
  email: emailSchema,
  password: z.string({ error: "Enter your password" }).min(1, { error: "Enter your password" }).max(256, { error: "Invalid email or password" }),
});
