import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { CredentialsForm } from "~/components/credentials-form";
import { Field } from "~/components/field";
import {
  EMAIL_MAX_LENGTH,
  EmailTaken,
  getSignedIn,
  safeRedirect,
  signUp,
  signupSchema,
  startSession,
  TooManyAttempts,
} from "~/lib/auth.server";
import { db } from "~/lib/db.server";
import { badRequest, echoField, fieldErrors, linkedEmail, readForm, type FieldErrors } from "~/lib/forms";

export const meta: MetaFunction = () => [{ title: "Create your account · Acme SaaS" }];

const DEFAULT_AFTER_SIGNUP = "/settings/billing";

// Sign-up cannot hide that an email is taken: without email verification an account is
// either made (and signed in) or not, and anyone can see which. So the message does not
// claim an account exists, and it points an owner to log-in; what limits probing is the
// throttle on these answers (per email and per address, shared with log-in).
const EMAIL_UNAVAILABLE = "We couldn't create an account with this email. If you already have one, log in instead.";

export async function loader({ request, context }: LoaderFunctionArgs) {
  if (await getSignedIn({ request, context })) throw redirect(DEFAULT_AFTER_SIGNUP);
  // A link may carry any redirectTo; the form only ever posts back one that is safe (or none).
  const url = new URL(request.url);
  return { redirectTo: safeRedirect(url.searchParams.get("redirectTo"), "") ?? "", email: linkedEmail(url) };
}

/** What the page shows after a refused sign-up; a success is a redirect. */
type SignupResult = { errors: FieldErrors; email: string };

export async function action({ request, context }: ActionFunctionArgs): Promise<SignupResult> {
  const form = await readForm(request);
  const redirectTo = safeRedirect(form.get("redirectTo"), DEFAULT_AFTER_SIGNUP);
  if (redirectTo === null) throw badRequest("redirectTo must be a path on this site.");
  const parsed = signupSchema.safeParse(Object.fromEntries(form));
  if (!parsed.success)
    return { errors: fieldErrors(parsed.error), email: echoField(form.get("email"), EMAIL_MAX_LENGTH) };
  let userId: string;
  try {
    userId = (await signUp(db, { ...parsed.data, ip: context.clientIp })).id;
  } catch (error) {
    if (error instanceof EmailTaken) return { errors: { email: [EMAIL_UNAVAILABLE] }, email: parsed.data.email };
    if (error instanceof TooManyAttempts) return { errors: { form: [error.message] }, email: parsed.data.email };
    throw error;
  }
  // Thrown, not returned: a returned Response made the page's useActionData `any`.
  throw await startSession(userId, redirectTo);
}

export default function Signup() {
  const { redirectTo, email } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const submitting = useNavigation().state === "submitting";
  return (
    <main className="narrow">
      <h1>Create your account</h1>
      <CredentialsForm redirectTo={redirectTo} result={result} defaultEmail={email}>
        <Field name="name" label="Name (optional)" autoComplete="name" errors={result?.errors.name} />
        <Field
          name="password"
          label="Password"
          type="password"
          autoComplete="new-password"
          required
          minLength={8}
          errors={result?.errors.password}
        />
        <button type="submit" className="button primary" disabled={submitting}>
          {submitting ? "Creating account…" : "Create account"}
        </button>
      </CredentialsForm>
      <p className="muted">
        Already have an account?{" "}
        <Link to={`/login${redirectTo ? `?${new URLSearchParams({ redirectTo })}` : ""}`}>Log in</Link>
      </p>
    </main>
  );
}
