// "Update information": the customer's name and email, when `features.customer_update` allows them.
import { emailField, formValue, validateEmail, type FieldErrors, type FormValues } from "./card-form.ts";
import type { HostedPageResponse } from "./hosted-pages.ts";
import { html } from "./html.ts";
import { updateCustomer } from "./portal-actions.ts";
import { PortalNotFound, type PortalContext } from "./portal-context.ts";
import { finish } from "./portal-flow.ts";
import { backHref, portalPage } from "./portal-view.ts";

function editable(ctx: PortalContext): { name: boolean; email: boolean } {
  const update = ctx.config.features.customer_update;
  if (!update.enabled) throw new PortalNotFound("customer_update");
  const fields = { name: update.allowed_updates.includes("name"), email: update.allowed_updates.includes("email") };
  if (!fields.name && !fields.email) throw new PortalNotFound("customer_update");
  return fields;
}

function customerForm(
  ctx: PortalContext,
  values: FormValues & { name?: string },
  errors: FieldErrors & { name?: string },
  status = 200,
): HostedPageResponse {
  const fields = editable(ctx);
  const nameError = errors.name;
  return portalPage(
    ctx,
    "Update information",
    html`<h1>Update information</h1>
  <form method="post" action="${ctx.base}/customer" novalidate>
    ${
      fields.name
        ? html`<div class="field">
      <label for="name">Name</label>
      <input type="text" id="name" name="name" value="${values.name ?? ""}" autocomplete="name"
        aria-invalid="${nameError === undefined ? "false" : "true"}" aria-describedby="name-error">
      <div class="field-error" id="name-error" aria-live="polite">${nameError ?? ""}</div>
    </div>`
        : ""
    }
    ${fields.email ? emailField(values, errors, false) : ""}
    <div class="actions">
      <button class="btn" type="submit">Save</button>
      <a class="btn btn-secondary" href="${backHref(ctx)}">Go back</a>
    </div>
  </form>`,
    { status },
  );
}

export function customerPage(ctx: PortalContext): HostedPageResponse {
  return customerForm(ctx, { name: ctx.customer.name ?? "", email: ctx.customer.email ?? "" }, {});
}

export function saveCustomer(ctx: PortalContext): HostedPageResponse {
  const fields = editable(ctx);
  const values = { name: formValue(ctx.request.form, "name"), email: formValue(ctx.request.form, "email") };
  const errors: FieldErrors & { name?: string } = {};
  if (fields.name && values.name === "") errors.name = "Required";
  const emailError = fields.email ? validateEmail(values.email) : undefined;
  if (emailError !== undefined) errors.email = emailError;
  if (Object.keys(errors).length > 0) return customerForm(ctx, values, errors, 400);
  updateCustomer(ctx, {
    ...(fields.name ? { name: values.name } : {}),
    ...(fields.email ? { email: values.email } : {}),
  });
  return finish(ctx, { type: "customer_update" }, "customer_updated");
}
