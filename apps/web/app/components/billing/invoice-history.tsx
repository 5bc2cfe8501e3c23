// The organization's next invoice and its recent ones, read from Stripe once the page is up
// (so the page renders without waiting on Stripe), with links to Stripe's hosted invoice and
// its PDF.
import type { RouterOutputs } from "@saas/api";
import { useQuery } from "@tanstack/react-query";
import { useTRPC } from "~/lib/trpc";
import { formatDate, formatMoney } from "./format";

const STATUS_LABELS: Record<string, string> = {
  paid: "Paid",
  open: "Due",
  void: "Void",
  uncollectible: "Uncollectible",
};

export function InvoiceHistory() {
  const trpc = useTRPC();
  const invoices = useQuery({ ...trpc.billing.invoices.queryOptions(), retry: false, staleTime: 30_000 });
  return (
    <section aria-labelledby="invoices-heading" className="card stack">
      <h3 id="invoices-heading">Invoices</h3>
      {invoices.isPending ? (
        <p className="muted" aria-busy="true">
          Loading invoices…
        </p>
      ) : invoices.isError ? (
        <div role="alert" className="alert error">
          Invoices are unavailable right now: {invoices.error.message}.{" "}
          <button type="button" className="link-button" onClick={() => void invoices.refetch()}>
            Try again
          </button>
        </div>
      ) : (
        <>
          {invoices.data.upcoming ? (
            <p data-testid="upcoming-invoice">
              Next invoice:{" "}
              <strong>{formatMoney(invoices.data.upcoming.amountDue, invoices.data.upcoming.currency)}</strong> on{" "}
              {formatDate(invoices.data.upcoming.date)}
              {invoices.data.upcoming.discount > 0 ? (
                <span className="muted">
                  {" "}
                  (after a {formatMoney(invoices.data.upcoming.discount, invoices.data.upcoming.currency)} discount)
                </span>
              ) : null}
            </p>
          ) : null}
          <InvoiceTable invoices={invoices.data.invoices} />
        </>
      )}
    </section>
  );
}

function InvoiceTable({ invoices }: { invoices: RouterOutputs["billing"]["invoices"]["invoices"] }) {
  if (invoices.length === 0) return <p className="muted">No invoices yet.</p>;
  return (
    <table className="members" data-testid="invoice-history">
      <thead>
        <tr>
          <th scope="col">Date</th>
          <th scope="col">Number</th>
          <th scope="col">Amount</th>
          <th scope="col">Status</th>
          <th scope="col">
            <span className="visually-hidden">Links</span>
          </th>
        </tr>
      </thead>
      <tbody>
        {invoices.map((invoice) => (
          <tr key={invoice.id} data-testid="invoice-row">
            <td>{formatDate(invoice.created)}</td>
            <td>{invoice.number ?? "—"}</td>
            <td>
              {formatMoney(invoice.total, invoice.currency)}
              {invoice.discount > 0 ? (
                <span className="muted"> (−{formatMoney(invoice.discount, invoice.currency)} discount)</span>
              ) : null}
              {invoice.tax > 0 ? (
                <span className="muted"> (incl. {formatMoney(invoice.tax, invoice.currency)} tax)</span>
              ) : null}
            </td>
            <td>{STATUS_LABELS[invoice.status] ?? invoice.status}</td>
            <td className="inline-form">
              {invoice.hostedInvoiceUrl ? (
                <a href={invoice.hostedInvoiceUrl} aria-label={`View invoice ${invoice.number ?? ""}`}>
                  View
                </a>
              ) : null}
              {invoice.invoicePdf ? (
                <a href={invoice.invoicePdf} aria-label={`PDF of invoice ${invoice.number ?? ""}`}>
                  PDF
                </a>
              ) : null}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
