// /organizations/new: create an organization (the user owns it) and start working in it.
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { Form, useActionData, useNavigation } from "@remix-run/react";
import { Field } from "~/components/field";
import { FormMessages } from "~/components/form-messages";
import { requireSignedIn, switchToOrganization } from "~/lib/auth.server";
import { callerFor, createOrganizationInput, userMessage } from "~/lib/billing.server";
import { fieldErrors, readForm, type FieldErrors } from "~/lib/forms";

export const meta: MetaFunction = () => [{ title: "New organization · Acme SaaS" }];

export async function loader({ request, context }: LoaderFunctionArgs) {
  await requireSignedIn({ request, context });
  return null;
}

export async function action({ request, context }: ActionFunctionArgs): Promise<{ errors: FieldErrors }> {
  const signedIn = await requireSignedIn({ request, context });
  const caller = await callerFor({ request, context });
  const parsed = createOrganizationInput.safeParse({ name: (await readForm(request)).get("name") });
  if (!parsed.success) return { errors: fieldErrors(parsed.error) };
  let id: string;
  try {
    ({ id } = await caller.organizations.create(parsed.data));
  } catch (error) {
    return { errors: { form: [userMessage(error)] } };
  }
  await switchToOrganization(signedIn, id);
  throw redirect("/settings/billing");
}

export default function NewOrganization() {
  const result = useActionData<typeof action>();
  const submitting = useNavigation().state === "submitting";
  return (
    <main className="stack narrow">
      <h1>New organization</h1>
      <p className="muted">You will own it, and it gets its own plan and billing.</p>
      <Form method="post" className="stack" noValidate>
        <FormMessages errors={result?.errors.form} />
        <Field
          name="name"
          label="Name"
          required
          maxLength={80}
          autoComplete="organization"
          errors={result?.errors.name}
        />
        <button type="submit" className="button primary" disabled={submitting}>
          {submitting ? "Creating…" : "Create organization"}
        </button>
      </Form>
    </main>
  );
}
