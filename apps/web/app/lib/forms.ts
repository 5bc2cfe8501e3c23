// Reading posted forms: a body that is not a form is refused with a 400, and zod's
// verdict on a form becomes per-field messages the page can show.
import type { z } from "zod";

export type FieldErrors = Partial<Record<string, string[]>>;

const FORM_TYPES = new Set(["application/x-www-form-urlencoded", "multipart/form-data"]);

/** A 400 for a request no page of ours sends; thrown from an action, it ends it there. */
export function badRequest(message: string): Response {
  return new Response(message, { status: 400, headers: { "Content-Type": "text/plain; charset=utf-8" } });
}

/**
 * The posted form. A body of another type (text/plain, JSON) or one that does not parse
 * (truncated multipart) throws a 400 Response: the sender's mistake, not a server error.
 */
export async function readForm(request: Request): Promise<FormData> {
  const mediaType = (request.headers.get("Content-Type") ?? "").split(";")[0]?.trim().toLowerCase() ?? "";
  if (!FORM_TYPES.has(mediaType))
    throw badRequest("Send this form as application/x-www-form-urlencoded or multipart/form-data.");
  try {
    return await request.formData();
  } catch (error) {
    // The body parser reports every malformed or cut-off body as a TypeError.
    if (error instanceof TypeError) throw badRequest("The form could not be read: it is malformed or incomplete.");
    throw error;
  }
}

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

/** An email a link carries (`?email=`, from an invitation) to fill in a form with; "" unless it is one. */
export function linkedEmail(url: URL): string {
  const email = url.searchParams.get("email") ?? "";
  return email.length <= 254 && /^[^\s@<>"]+@[^\s@<>"]+$/.test(email) ? email : "";
}
