// Shown while a payment has failed: what happened and the one thing to do about it.
import { BillingAccessButton } from "./billing-access-button";

export function DunningBanner({ message, canManage }: { message: string; canManage: boolean }) {
  return (
    <section role="alert" aria-labelledby="dunning-heading" className="alert warning banner">
      <div>
        <h3 id="dunning-heading">Payment failed</h3>
        <p>{message}</p>
      </div>
      {canManage ? (
        <BillingAccessButton flow="payment_method_update">Update payment method</BillingAccessButton>
      ) : (
        <p>An owner or admin of this organization can update the payment method.</p>
      )}
    </section>
  );
}
