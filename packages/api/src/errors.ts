// The one place domain errors become tRPC errors (and so HTTP statuses).
import {
  AlreadyInvited,
  InvitationNotFound,
  InvitationUnusable,
  LastOwner,
  MemberNotFound,
  NotAllowed,
  NotAMember,
} from "@saas/auth";
import {
  BillingNotFound,
  BillingProfileMissing,
  isStripeError,
  MemberLimitReached,
  PlanChangeNotAllowed,
  SeatLimitReached,
  StripeUnavailable,
  SubscriptionExists,
} from "@saas/billing";
import { DatabaseUnavailable } from "@saas/db/client";
import { TRPCError } from "@trpc/server";
import { RateLimited } from "./rate-limit.ts";

export function toTRPCError(error: unknown): TRPCError | null {
  if (error instanceof TRPCError) return null;
  if (error instanceof BillingProfileMissing)
    return new TRPCError({ code: "PRECONDITION_FAILED", message: error.message, cause: error });
  if (error instanceof MemberLimitReached || error instanceof SeatLimitReached || error instanceof PlanChangeNotAllowed)
    return new TRPCError({ code: "PRECONDITION_FAILED", message: error.message, cause: error });
  if (error instanceof SubscriptionExists)
    return new TRPCError({ code: "CONFLICT", message: error.message, cause: error });
  if (error instanceof BillingNotFound) return new TRPCError({ code: "NOT_FOUND", message: "Not found", cause: error });
  if (error instanceof AlreadyInvited) return new TRPCError({ code: "CONFLICT", message: error.message, cause: error });
  if (error instanceof InvitationUnusable) {
    const code = error.reason === "other-email" ? "FORBIDDEN" : error.reason === "invalid" ? "NOT_FOUND" : "CONFLICT";
    return new TRPCError({ code, message: error.message, cause: error });
  }
  if (error instanceof NotAMember || error instanceof MemberNotFound || error instanceof InvitationNotFound)
    return new TRPCError({ code: "NOT_FOUND", message: "Not found", cause: error });
  if (error instanceof NotAllowed) return new TRPCError({ code: "FORBIDDEN", message: error.message, cause: error });
  if (error instanceof LastOwner) return new TRPCError({ code: "CONFLICT", message: error.message, cause: error });
  if (error instanceof RateLimited) {
    return new TRPCError({ code: "TOO_MANY_REQUESTS", message: error.message, cause: error });
  }
  if (error instanceof DatabaseUnavailable) {
    const message = "Temporarily unavailable. Please try again in a moment.";
    return new TRPCError({ code: "SERVICE_UNAVAILABLE", message, cause: error });
  }
  if (error instanceof StripeUnavailable || isStripeError(error)) {
    return new TRPCError({ code: "SERVICE_UNAVAILABLE", message: "Billing service unavailable", cause: error });
  }
  return null;
}
