// Settings → Account: change the email (Stripe's copy follows) and the password (which
// signs the user out everywhere else). Both ask for the current password, and checking it
// is throttled like log-in, so a hijacked session cannot guess it. The email preferences
// turn the non-essential emails off (payment emails always go out).
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Form, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { z } from "zod";
import { Field } from "~/components/field";
import { FormMessages } from "~/components/form-messages";
import { changeEmail } from "~/lib/account.server";
import {
  changePassword,
  EmailTaken,
  emailSchema,
  InvalidCredentials,
  passwordSchema,
  requireSignedIn,
  TooManyAttempts,
} from "~/lib/auth.server";
import { StripeUnavailable } from "~/lib/billing.server";
import { db } from "~/lib/db.server";
import { fieldErrors, readForm, type FieldErrors } from "~/lib/forms";
import { readEmailPreferences, updateEmailPreferences } from "~/lib/mail.server";

export const meta: MetaFunction = () => [{ title: "Account · Acme SaaS" }];

export async function loader({ request, context }: LoaderFunctionArgs) {
  const { user } = await requireSignedIn({ request, context });
  return { email: user.email, preferences: await readEmailPreferences(db, user.id) };
}

const currentPassword = z
  .string({ error: "Enter your current password" })
  .min(1, { error: "Enter your current password" })
  .max(256, { error: "That is not your current password" });
const emailForm = z.object({ email: emailSchema, password: currentPassword });
const passwordForm = z.object({ currentPassword, newPassword: passwordSchema });

// Says no more than that this address cannot be used here, not that an account has it: the
// user is signed in and gains nothing from knowing, a prober would.
const EMAIL_UNAVAILABLE = "Your email was not changed: that address can't be used. Check it, or choose another.";

type Result = { form: "email" | "password" | "preferences"; ok?: string; errors?: FieldErrors };

export async function action({ request, context }: ActionFunctionArgs): Promise<Result> {
  const { user, session } = await requireSignedIn({ request, context });
  const form = Object.fromEntries(await readForm(request));
  const ip = context.clientIp;
  if (form.intent === "preferences") {
    // A checkbox left unticked is simply absent from the form.
    await updateEmailPreferences(db, user.id, {
      emailTrialReminders: form.emailTrialReminders === "on",
      emailCancellationNotices: form.emailCancellationNotices === "on",
    });
    return { form: "preferences", ok: "Email preferences saved." };
  }
  if (form.intent === "email") {
    const parsed = emailForm.safeParse(form);
    if (!parsed.success) return { form: "email", errors: fieldErrors(parsed.error) };
    try {
      await changeEmail({ userId: user.id, currentPassword: parsed.data.password, newEmail: parsed.data.email, ip });
      return { form: "email", ok: "Email updated." };
    } catch (error) {
      if (error instanceof InvalidCredentials)
        return { form: "email", errors: { password: ["That is not your current password"] } };
      if (error instanceof TooManyAttempts) return { form: "email", errors: { form: [error.message] } };
      if (error instanceof EmailTaken) return { form: "email", errors: { email: [EMAIL_UNAVAILABLE] } };
      if (error instanceof StripeUnavailable)
        return {
          form: "email",
          errors: { form: ["Billing service unavailable: your email was not changed. Please try again."] },
        };
      throw error;
    }
  }
  const parsed = passwordForm.safeParse(form);
  if (!parsed.success) return { form: "password", errors: fieldErrors(parsed.error) };
  try {
    await changePassword(db, { userId: user.id, ...parsed.data, keepSessionId: session.id, ip });
    return { form: "password", ok: "Password changed. You were signed out on your other devices." };
  } catch (error) {
    if (error instanceof InvalidCredentials)
      return { form: "password", errors: { currentPassword: ["That is not your current password"] } };
    if (error instanceof TooManyAttempts) return { form: "password", errors: { form: [error.message] } };
    throw error;
  }
}

export default function Account() {
  const { email, preferences } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const busy = useNavigation().state === "submitting";
  const of = (form: Result["form"]) => (result?.form === form ? result : undefined);
  return (
    <section aria-labelledby="account-heading" className="stack narrow-section">
      <h2 id="account-heading" className="visually-hidden">
        Account
      </h2>
      <Form method="post" className="card stack" noValidate>
        <h3>Email</h3>
        <FormMessages ok={of("email")?.ok} errors={of("email")?.errors?.form} />
        <input type="hidden" name="intent" value="email" />
        <Field
          name="email"
          label="Email"
          type="email"
          autoComplete="email"
          defaultValue={email}
          errors={of("email")?.errors?.email}
        />
        <Field
          name="password"
          label="Your password"
          type="password"
          autoComplete="current-password"
          errors={of("email")?.errors?.password}
        />
        <button type="submit" className="button" disabled={busy}>
          Change email
        </button>
      </Form>
      <Form method="post" className="card stack" noValidate>
        <h3>Password</h3>
        <FormMessages ok={of("password")?.ok} errors={of("password")?.errors?.form} />
        <input type="hidden" name="intent" value="password" />
        <Field
          name="currentPassword"
          label="Current password"
          type="password"
          autoComplete="current-password"
          errors={of("password")?.errors?.currentPassword}
        />
        <Field
          name="newPassword"
          label="New password"
          type="password"
          autoComplete="new-password"
          errors={of("password")?.errors?.newPassword}
        />
        <button type="submit" className="button" disabled={busy}>
          Change password
        </button>
      </Form>
      <Form method="post" className="card stack">
        <h3>Email preferences</h3>
        <FormMessages ok={of("preferences")?.ok} />
        <input type="hidden" name="intent" value="preferences" />
        <p className="muted">Emails about failed and recovered payments are always sent.</p>
        <label>
          <input type="checkbox" name="emailTrialReminders" defaultChecked={preferences.emailTrialReminders} /> Trial
          ending reminders
        </label>
        <label>
          <input
            type="checkbox"
            name="emailCancellationNotices"
            defaultChecked={preferences.emailCancellationNotices}
          />{" "}
          Cancellation notices
        </label>
        <button type="submit" className="button" disabled={busy}>
          Save email preferences
        </button>
      </Form>
    </section>
  );
}
