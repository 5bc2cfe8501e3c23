// The start of the log-in and sign-up forms: their messages, where to go afterwards, and the
// email; each form adds its own fields and button as children.
import { Form } from "@remix-run/react";
import type { ReactNode } from "react";
import { Field } from "./field";
import { FormMessages } from "./form-messages";

type CredentialsResult = { email: string; errors: { form?: string[] | undefined; email?: string[] | undefined } };

export function CredentialsForm({
  redirectTo,
  result,
  defaultEmail,
  children,
}: {
  redirectTo: string;
  result: CredentialsResult | undefined;
  /** Filled in from a link (an invitation's). */
  defaultEmail?: string;
  children: ReactNode;
}) {
  return (
    <Form method="post" className="card stack" noValidate>
      <FormMessages errors={result?.errors.form} />
      <input type="hidden" name="redirectTo" value={redirectTo} />
      <Field
        name="email"
        label="Email"
        type="email"
        autoComplete="email"
        required
        defaultValue={result?.email ?? defaultEmail}
        errors={result?.errors.email}
      />
      {children}
    </Form>
  );
}
