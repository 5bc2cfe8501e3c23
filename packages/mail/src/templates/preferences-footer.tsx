/** @jsxRuntime automatic @jsxImportSource react */
import { Link } from "@react-email/components";
import type { EmailContext } from "./context.ts";

/** The footer of the emails a user may turn off. */
export function PreferencesFooter({ context, what }: { context: EmailContext; what: string }) {
  return (
    <>
      You receive this because you own this billing account. To stop {what}, change your{" "}
      <Link href={`${context.appBaseUrl}/settings/account`}>email preferences</Link>.
    </>
  );
}
