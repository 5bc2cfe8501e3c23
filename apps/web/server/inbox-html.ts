// The development inbox's HTML views, served outside the app's own security headers: an
// email's HTML part as received, and each template rendered with sample data (the
// previews). Both are shown in a sandboxed frame of /dev/inbox, under a policy that lets
// the email's inline styles apply and nothing in it run.
import { isEmailKind, renderEmail, SAMPLE_DATA, SAMPLE_SECRETS } from "@saas/mail";
import { folderInbox } from "@saas/mail/inbox";
import express from "express";

const EMAIL_POLICY =
  "default-src 'none'; style-src 'unsafe-inline'; img-src data: https:; frame-ancestors 'self'; sandbox";

export function inboxHtml(inboxDir: string, appBaseUrl: string): express.Router {
  const store = folderInbox(inboxDir);
  const router = express.Router();
  const send = (res: express.Response, html: string) =>
    res
      .set({
        "Content-Security-Policy": EMAIL_POLICY,
        "X-Content-Type-Options": "nosniff",
        "Cache-Control": "no-store",
      })
      .type("html")
      .send(html);

  router.get("/messages/:id.html", (req, res, next) => {
    const message = store.get(req.params.id ?? "");
    if (!message?.html) return next();
    send(res, message.html);
  });
  router.get("/previews/:kind.html", (req, res, next) => {
    const kind = req.params.kind ?? "";
    if (!isEmailKind(kind)) return next();
    renderEmail(kind, SAMPLE_DATA[kind](), { appBaseUrl }, SAMPLE_SECRETS[kind]?.()).then(
      (email) => send(res, email.html),
      next,
    );
  });
  return router;
}
