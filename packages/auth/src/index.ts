export { changePassword, logIn, signUp, type NewUser } from "./accounts.ts";
export { createAuth, type Auth } from "./lucia.ts";
export { EmailTaken, InvalidCredentials, TooManyAttempts } from "./errors.ts";
export { isSameOrigin } from "./origin.ts";
export { hashPassword, verifyPassword } from "./password.ts";
export { safeRedirect } from "./redirects.ts";
export { THROTTLE } from "./throttle.ts";
export { emailSchema, loginSchema, passwordSchema, signupSchema } from "./validation.ts";
export type { Session, User } from "lucia";
