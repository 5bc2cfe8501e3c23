import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { CredentialsForm } from "~/components/credentials-form";
import { Field } from "~/components/field";
import {
  EMAIL_MAX_LENGTH,
  getSignedIn,
  InvalidCredentials,
  logIn,
  loginSchema,
  safeRedirect,
  startSession,
  TooManyAttempts,
} from "~/lib/auth.server";
import { db } from "~/lib/db.server";
import { badRequest, echoField, fieldErrors, linkedEmail, readForm, type FieldErrors } from "~/lib/forms";

export const meta: MetaFunction = () => [{ title: "Log in · Acme SaaS" }];

const DEFAULT_AFTER_LOGIN = "/settings/billing";

export async function loader({ request, context }: LoaderFunctionArgs) {
  // A link may carry any redirectTo; the form only ever posts back one that is safe (or none).
  const redirectTo = safeRedirect(new URL(request.url).searchParams.get("redirectTo"), "") ?? "";
  if (await getSignedIn({ request, context })) throw redirect(redirectTo || DEFAULT_AFTER_LOGIN);
  return { redirectTo, email: linkedEmail(new URL(request.url)) };
}

/** What the page shows after a refused log-in; a success is a redirect. */
type LoginResult = { errors: FieldErrors; email: string };

export async function action({ request, context }: ActionFunctionArgs): Promise<LoginResult> {
  const form = await readForm(request);
  const redirectTo = safeRedirect(form.get("redirectTo"), DEFAULT_AFTER_LOGIN);
  if (redirectTo === null) throw badRequest("redirectTo must be a path on this site.");
  const email = echoField(form.get("email"), EMAIL_MAX_LENGTH);
  const parsed = loginSchema.safeParse(Object.fromEntries(form));
  if (!parsed.success) return { errors: fieldErrors(parsed.error), email };
  let userId: string;
  try {
    userId = (await logIn(db, { ...parsed.data, ip: context.clientIp })).id;
  } catch (error) {
    if (error instanceof InvalidCredentials || error instanceof TooManyAttempts) {
      return { errors: { form: [error.message] }, email: parsed.data.email };
    }
    throw error;
  }
  // Thrown, not returned: a returned Response made the page's useActionData `any`.
  throw await startSession(userId, redirectTo);
}

export default function Login() {
  const { redirectTo, email } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const submitting = useNavigation().state === "submitting";
  return (
    <main className="narrow">
      <h1>Log in</h1>
      <CredentialsForm redirectTo={redirectTo} result={result} defaultEmail={email}>
        <Field
          name="password"
          label="Password"
          type="password"
          autoComplete="current-password"
          required
          errors={result?.errors.password}
        />
        <button type="submit" className="button primary" disabled={submitting}>
          {submitting ? "Logging in…" : "Log in"}
        </button>
      </CredentialsForm>
      <p className="muted">
        New here?{" "}
        <Link to={`/signup${redirectTo ? `?${new URLSearchParams({ redirectTo })}` : ""}`}>Create an account</Link>
      </p>
    </main>
  );
}
