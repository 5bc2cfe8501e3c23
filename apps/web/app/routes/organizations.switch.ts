// POST /organizations/switch: makes another of the user's organizations the session's
// current one. The id is checked against the user's memberships in the same statement that
// stores it: someone else's organization is "not found" and changes nothing.
import type { ActionFunctionArgs } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { NotAMember, requireSignedIn, safeRedirect, switchToOrganization } from "~/lib/auth.server";
import { badRequest, readForm } from "~/lib/forms";

export function loader() {
  return redirect("/");
}

export async function action({ request, context }: ActionFunctionArgs) {
  const signedIn = await requireSignedIn({ request, context });
  const form = await readForm(request);
  const organizationId = form.get("organizationId");
  if (typeof organizationId !== "string" || !/^[\w-]{1,64}$/.test(organizationId))
    throw badRequest("organizationId must name one of your organizations.");
  const redirectTo = safeRedirect(form.get("redirectTo"), "/settings/billing");
  if (redirectTo === null) throw badRequest("redirectTo must be a path on this site.");
  try {
    await switchToOrganization(signedIn, organizationId);
  } catch (error) {
    if (error instanceof NotAMember) throw new Response("Organization not found", { status: 404 });
    throw error;
  }
  return redirect(redirectTo);
}
