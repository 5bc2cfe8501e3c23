// An invitation's link. Signed out: who invites you to what, and the way through sign-up or
// log-in and back here. Signed in as the invited address: accept. Anything else (another
// account, a used, withdrawn or expired link, one that never existed) says so plainly.
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { json, redirect } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { FormMessages } from "~/components/form-messages";
import { requireSignedIn, switchToOrganization } from "~/lib/auth.server";
import { callerFor, invitationTokenInput, optionalCallerFor, userMessage } from "~/lib/billing.server";

export const meta: MetaFunction = () => [{ title: "Invitation · Acme SaaS" }];

const NOT_VALID = "This invitation link is not valid. Check that you opened the whole link from the email.";

const ROLE_WORDS = { owner: "an owner", admin: "an admin", member: "a member" } as const;

const REFUSALS = {
  accepted: "This invitation has already been used.",
  revoked: "This invitation was withdrawn.",
  expired: "This invitation has expired. Ask whoever invited you for a new one.",
} as const;

function tokenOf(params: { token?: string }): string | null {
  const input = invitationTokenInput.safeParse({ token: params.token });
  return input.success ? input.data.token : null;
}

/** A link no invitation has: its own page, not the generic "not found", so the reader knows what failed. */
const notValid = () => json({ invitation: null, signUpHref: "", logInHref: "" }, { status: 404 });

export async function loader(args: LoaderFunctionArgs) {
  const token = tokenOf(args.params);
  if (!token) return notValid();
  const invitation = await (await optionalCallerFor(args)).invitations.view({ token });
  if (!invitation) return notValid();
  const here = `/invitations/${encodeURIComponent(token)}`;
  const query = (extra: Record<string, string>) => `?${new URLSearchParams({ redirectTo: here, ...extra })}`;
  return json({
    invitation,
    signUpHref: `/signup${query({ email: invitation.email })}`,
    logInHref: `/login${query({ email: invitation.email })}`,
  });
}

export async function action(args: ActionFunctionArgs): Promise<{ error: string }> {
  const token = tokenOf(args.params);
  if (!token) return { error: NOT_VALID };
  const signedIn = await requireSignedIn(args);
  const caller = await callerFor(args);
  let organizationId: string;
  try {
    ({ organizationId } = await caller.invitations.accept({ token }));
  } catch (error) {
    return { error: userMessage(error) };
  }
  await switchToOrganization(signedIn, organizationId);
  throw redirect("/settings/billing");
}

export default function Invitation() {
  const { invitation, signUpHref, logInHref } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  if (!invitation) {
    return (
      <main className="narrow stack">
        <h1>Invitation not found</h1>
        <p role="alert" data-testid="invitation-refused">
          {NOT_VALID}
        </p>
      </main>
    );
  }
  const invitedBy = invitation.invitedBy ? `${invitation.invitedBy} invited you` : "You are invited";
  return (
    <main className="narrow stack">
      <h1>Join {invitation.organizationName}</h1>
      {invitation.refusal ? (
        <p role="alert" data-testid="invitation-refused">
          {REFUSALS[invitation.refusal]}
        </p>
      ) : (
        <>
          <p>
            {`${invitedBy} to join ${invitation.organizationName} as ${ROLE_WORDS[invitation.role]}.`} It is for{" "}
            <strong>{invitation.email}</strong>.
          </p>
          <FormMessages errors={result?.error ? [result.error] : undefined} />
          {invitation.forYou === null ? (
            <p>
              <Link className="button primary" to={signUpHref}>
                Create an account
              </Link>{" "}
              or <Link to={logInHref}>log in</Link> as {invitation.email} to accept.
            </p>
          ) : invitation.forYou ? (
            <Form method="post">
              <button type="submit" className="button primary">
                Accept and join {invitation.organizationName}
              </button>
            </Form>
          ) : (
            <p role="alert" data-testid="invitation-refused">
              This invitation is for another email address. You are signed in as {invitation.signedInAs}: log out, then
              open the link again and log in or sign up as {invitation.email}.
            </p>
          )}
        </>
      )}
    </main>
  );
}
