// One email of the development inbox: its headers, links, plain text and HTML (in a
// sandboxed frame, served by server/inbox-html.ts).
import { data, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { NotFoundPage } from "~/components/error-pages";
import { devInbox } from "~/lib/mail.server";

export const meta: MetaFunction<typeof loader> = ({ data: message }) => [
  { title: `${message?.subject ?? "Email"} · Inbox (development) · Acme SaaS` },
];

export function loader({ params }: LoaderFunctionArgs) {
  const message = devInbox()?.get(params.id ?? "") ?? null;
  if (!message) return data(null, { status: 404 });
  return message;
}

export default function InboxMessage() {
  const message = useLoaderData<typeof loader>();
  if (!message) return <NotFoundPage />;
  return (
    <main className="stack">
      <p>
        <Link to="/dev/inbox">← Inbox</Link>
      </p>
      <h1>{message.subject || "(no subject)"}</h1>
      <dl className="card">
        <dt>From</dt>
        <dd>{message.from}</dd>
        <dt>To</dt>
        <dd>{message.to.join(", ")}</dd>
        <dt>Received</dt>
        <dd>
          <time dateTime={message.receivedAt}>{message.receivedAt}</time>
        </dd>
      </dl>
      <section aria-labelledby="links-heading" className="card stack">
        <h2 id="links-heading">Links</h2>
        <ul>
          {message.links.map((link, index) => (
            <li key={index}>
              {link.text ? `${link.text}: ` : null}
              <a href={link.href}>{link.href}</a>
            </li>
          ))}
        </ul>
      </section>
      <section aria-labelledby="text-heading" className="card stack">
        <h2 id="text-heading">Plain text</h2>
        <pre className="email-text">{message.text}</pre>
      </section>
      {message.html ? (
        <section aria-labelledby="html-heading" className="card stack">
          <h2 id="html-heading">HTML</h2>
          <iframe title="HTML part" src={`/dev/inbox/messages/${message.id}.html`} sandbox="" className="email-html" />
        </section>
      ) : null}
    </main>
  );
}
