// Turns zod's verdict on a form into per-field messages the page can show.
import type { z } from "zod";

export type FieldErrors = Partial<Record<string, string[]>>;

export function fieldErrors(error: z.ZodError): FieldErrors {
  const errors: FieldErrors = {};
  for (const issue of error.issues) {
    const field = String(issue.path[0] ?? "form");
    (errors[field] ??= []).push(issue.message);
  }
  return errors;
}

/**
 * A submitted field to put back into the form, cut to what the field may hold: whatever
 * was sent, the page never carries more of it back (twice: in the input and in the
 * serialized action data).
 */
export function echoField(value: FormDataEntryValue | null, maxLength: number): string {
  return typeof value === "string" ? value.slice(0, maxLength) : "";
}
