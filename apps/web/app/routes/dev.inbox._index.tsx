// The development inbox: every email the app sent to the embedded SMTP server, newest first,
// and a preview of each template. Not found wherever mail goes to a real SMTP server.
import { data, type MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { NotFoundPage } from "~/components/error-pages";
import { devInbox, EMAIL_KINDS } from "~/lib/mail.server";

export const meta: MetaFunction = () => [{ title: "Inbox (development) · Acme SaaS" }];

export function loader() {
  const inbox = devInbox();
  if (!inbox) return data(null, { status: 404 });
  const messages = inbox.list().map(({ id, receivedAt, to, subject }) => ({ id, receivedAt, to, subject }));
  return { messages, previews: EMAIL_KINDS };
}

export default function Inbox() {
  const inbox = useLoaderData<typeof loader>();
  if (!inbox) return <NotFoundPage />;
  return (
    <main className="stack">
      <h1>Inbox</h1>
      <p className="muted">
        What the app sent to its embedded SMTP server (development only). Set SMTP_URL to send real email.
      </p>
      <section aria-labelledby="messages-heading" className="card stack">
        <h2 id="messages-heading">Messages</h2>
        {inbox.messages.length ? (
          <table>
            <thead>
              <tr>
                <th scope="col">To</th>
                <th scope="col">Subject</th>
                <th scope="col">Received</th>
              </tr>
            </thead>
            <tbody>
              {inbox.messages.map((message) => (
                <tr key={message.id}>
                  <td>{message.to.join(", ")}</td>
                  <td>
                    <Link to={`/dev/inbox/${message.id}`}>{message.subject || "(no subject)"}</Link>
                  </td>
                  <td>
                    <time dateTime={message.receivedAt}>{message.receivedAt.replace("T", " ").slice(0, 19)}</time>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        ) : (
          <p className="muted">No email yet.</p>
        )}
      </section>
      <section aria-labelledby="previews-heading" className="card stack">
        <h2 id="previews-heading">Template previews</h2>
        <ul>
          {inbox.previews.map((kind) => (
            <li key={kind}>
              <a href={`/dev/inbox/previews/${kind}.html`}>{kind.replaceAll("_", " ")}</a>
            </li>
          ))}
        </ul>
      </section>
    </main>
  );
}
