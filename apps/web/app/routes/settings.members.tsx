// Settings -> Members: who belongs to the current organization, with their roles. Owners and
// admins change roles and remove members; anyone may leave (the last owner may not).
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import type { RouterOutputs } from "@saas/api";
import { FormMessages } from "~/components/form-messages";
import { Field } from "~/components/field";
import {
  callerFor,
  changeRoleInput,
  invitationInput,
  inviteInput,
  removeMemberInput,
  userMessage,
} from "~/lib/billing.server";
import { EMAIL_MAX_LENGTH } from "~/lib/auth.server";
import { echoField, fieldErrors, readForm, type FieldErrors } from "~/lib/forms";

export const meta: MetaFunction = () => [{ title: "Members · Acme SaaS" }];

const ROLE_LABELS = { owner: "Owner", admin: "Admin", member: "Member" } as const;

export async function loader({ request, context }: LoaderFunctionArgs) {
  const caller = await callerFor({ request, context });
  return caller.members.list();
}

type Outcome = { ok?: string; error?: string; inviteErrors?: FieldErrors; email?: string };

export async function action({ request, context }: ActionFunctionArgs): Promise<Outcome> {
  const caller = await callerFor({ request, context });
  const form = await readForm(request);
  const intent = form.get("intent");
  if (intent === "leave") {
    const left = await caller.members.leave().then(
      () => null,
      (error: unknown) => ({ error: userMessage(error) }),
    );
    if (left) return left;
    // Thrown, not returned: the session falls back to the personal organization on the next request.
    throw redirect("/settings/billing");
  }
  try {
    if (intent === "change-role") {
      const input = changeRoleInput.safeParse({ userId: form.get("userId"), role: form.get("role") });
      if (!input.success) return { error: "That request was not valid." };
      await caller.members.changeRole(input.data);
      return { ok: "Role changed." };
    }
    if (intent === "invite") {
      const input = inviteInput.safeParse({ email: form.get("email"), role: form.get("role") });
      if (!input.success) {
        return { inviteErrors: fieldErrors(input.error), email: echoField(form.get("email"), EMAIL_MAX_LENGTH) };
      }
      await caller.members.invite(input.data);
      return { ok: `Invitation sent to ${input.data.email}.` };
    }
    if (intent === "resend-invitation" || intent === "revoke-invitation") {
      const input = invitationInput.safeParse({ invitationId: form.get("invitationId") });
      if (!input.success) return { error: "That request was not valid." };
      if (intent === "resend-invitation") await caller.members.resendInvitation(input.data);
      else await caller.members.revokeInvitation(input.data);
      return { ok: intent === "resend-invitation" ? "Invitation sent again." : "Invitation revoked." };
    }
    if (intent === "remove") {
      const input = removeMemberInput.safeParse({ userId: form.get("userId") });
      if (!input.success) return { error: "That request was not valid." };
      await caller.members.remove(input.data);
      return { ok: "Member removed." };
    }
    return { error: "Unknown action" };
  } catch (error) {
    return { error: userMessage(error) };
  }
}

export default function Members() {
  const { members, invitations, you, seats } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const manages = you.role === "owner" || you.role === "admin";
  const full = seats.limit !== null && seats.members + seats.invitations >= seats.limit;
  return (
    <section aria-labelledby="members-heading" className="stack">
      <h2 id="members-heading">Members</h2>
      <FormMessages ok={result?.ok} errors={result?.error ? [result.error] : undefined} />
      <SeatLine seats={seats} />
      <table className="members">
        <thead>
          <tr>
            <th scope="col">Member</th>
            <th scope="col">Role</th>
            <th scope="col">
              <span className="visually-hidden">Actions</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {members.map((m) => {
            const self = m.userId === you.userId;
            // Owners are changed by owners only; an admin sees their role without a control.
            const changeable = manages && !self && (you.role === "owner" || m.role !== "owner");
            return (
              <tr key={m.userId} data-testid="member-row">
                <td>
                  {m.name ? `${m.name} · ` : ""}
                  {m.email}
                  {self ? " (you)" : ""}
                </td>
                <td>
                  {changeable ? (
                    <Form method="post" className="inline-form">
                      <input type="hidden" name="intent" value="change-role" />
                      <input type="hidden" name="userId" value={m.userId} />
                      <label htmlFor={`role-${m.userId}`} className="visually-hidden">
                        Role of {m.email}
                      </label>
                      <select id={`role-${m.userId}`} name="role" defaultValue={m.role}>
                        {(you.role === "owner"
                          ? (["owner", "admin", "member"] as const)
                          : (["admin", "member"] as const)
                        ).map((role) => (
                          <option key={role} value={role}>
                            {ROLE_LABELS[role]}
                          </option>
                        ))}
                      </select>
                      <button type="submit" className="button small">
                        Save
                      </button>
                    </Form>
                  ) : (
                    ROLE_LABELS[m.role]
                  )}
                </td>
                <td>
                  {self ? (
                    <IntentButton intent="leave" label="Leave" />
                  ) : changeable ? (
                    <IntentButton
                      intent="remove"
                      fields={{ userId: m.userId }}
                      label="Remove"
                      ariaLabel={`Remove ${m.email}`}
                      danger
                    />
                  ) : null}
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
      {manages ? (
        <>
          <h3 id="invite-heading">Invite someone</h3>
          {full ? (
            <div className="card stack" data-testid="plan-full">
              <p>
                Your {seats.planName} plan is full: upgrade to Team, billed per seat, to invite more people, or revoke
                an invitation.
              </p>
              {/* Settings → Billing prices the switch to Team first, then makes it. */}
              {seats.upgradeTo ? (
                <Link to={`/settings/billing?change=${seats.upgradeTo}`} className="button primary">
                  Upgrade plan
                </Link>
              ) : null}
            </div>
          ) : null}
          <Form method="post" className="card stack" aria-labelledby="invite-heading" noValidate hidden={full}>
            <input type="hidden" name="intent" value="invite" />
            <Field
              name="email"
              label="Email"
              type="email"
              required
              defaultValue={result?.email}
              errors={result?.inviteErrors?.email}
            />
            <label htmlFor="invite-role">Role</label>
            <select id="invite-role" name="role" defaultValue="member">
              {(you.role === "owner" ? (["member", "admin", "owner"] as const) : (["member", "admin"] as const)).map(
                (role) => (
                  <option key={role} value={role}>
                    {ROLE_LABELS[role]}
                  </option>
                ),
              )}
            </select>
            <button type="submit" className="button primary">
              Send invitation
            </button>
          </Form>
          <h3>Pending invitations</h3>
          {invitations.length === 0 ? (
            <p className="muted">No pending invitations.</p>
          ) : (
            <table className="members">
              <thead>
                <tr>
                  <th scope="col">Email</th>
                  <th scope="col">Role</th>
                  <th scope="col">Expires</th>
                  <th scope="col">
                    <span className="visually-hidden">Actions</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {invitations.map((i) => (
                  <tr key={i.id} data-testid="invitation-row">
                    <td>{i.email}</td>
                    <td>{ROLE_LABELS[i.role]}</td>
                    <td>
                      {i.expired
                        ? "Expired"
                        : new Date(i.expiresAt).toLocaleDateString("en-US", { dateStyle: "medium" })}
                    </td>
                    <td className="inline-form">
                      <IntentButton
                        intent="resend-invitation"
                        fields={{ invitationId: i.id }}
                        label="Resend"
                        ariaLabel={`Resend to ${i.email}`}
                      />
                      <IntentButton
                        intent="revoke-invitation"
                        fields={{ invitationId: i.id }}
                        label="Revoke"
                        ariaLabel={`Revoke ${i.email}`}
                        danger
                      />
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </>
      ) : null}
    </section>
  );
}

/** A one-button form posting `intent` and the ids it acts on to this page's action. */
function IntentButton(props: {
  intent: string;
  fields?: Record<string, string>;
  label: string;
  ariaLabel?: string;
  danger?: boolean;
}) {
  return (
    <Form method="post">
      <input type="hidden" name="intent" value={props.intent} />
      {Object.entries(props.fields ?? {}).map(([name, value]) => (
        <input key={name} type="hidden" name={name} value={value} />
      ))}
      <button
        type="submit"
        className={props.danger ? "button small danger" : "button small"}
        aria-label={props.ariaLabel}
      >
        {props.label}
      </button>
    </Form>
  );
}

/** Seats used against the plan: a flat plan's limit counts open invitations; per seat, each member is one. */
function SeatLine({ seats }: { seats: RouterOutputs["members"]["list"]["seats"] }) {
  const people = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`;
  if (seats.perSeat)
    return (
      <p data-testid="seat-usage">
        {people(seats.members, "seat", "seats")} on {seats.planName}: each member is a seat, and an invitation is billed
        once it is accepted.
      </p>
    );
  if (seats.limit === null) return null;
  return (
    <p data-testid="seat-usage">
      {seats.members + seats.invitations} of {seats.limit} {seats.limit === 1 ? "place" : "places"} used on{" "}
      {seats.planName} ({people(seats.members, "member", "members")},{" "}
      {people(seats.invitations, "open invitation", "open invitations")}).
    </p>
  );
}
