// The user's billing alerts, each dismissible.
import type { RouterOutputs } from "@saas/api";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useTRPC } from "~/lib/trpc";
import { formatDate } from "./format";

type Notifications = RouterOutputs["notifications"]["list"];

export function NotificationList({ initial }: { initial: Notifications }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const { data: notifications } = useQuery({ ...trpc.notifications.list.queryOptions(), initialData: initial });
  const dismiss = useMutation(
    trpc.notifications.dismiss.mutationOptions({
      onSuccess: () => queryClient.invalidateQueries({ queryKey: trpc.notifications.list.queryKey() }),
    }),
  );
  if (!notifications.length) return null;
  return (
    <section aria-labelledby="notifications-heading" className="stack">
      <h3 id="notifications-heading">Notifications</h3>
      <ul className="notifications">
        {notifications.map((n) => (
          <li key={n.id} className={`card notification${n.resolved ? " resolved" : ""}`}>
            <div>
              <strong>{n.title}</strong> <span className="muted">· {formatDate(n.createdAt)}</span>
              <p>{n.body}</p>
              {n.actionUrl ? <a href={n.actionUrl}>View invoice</a> : null}
            </div>
            <button
              type="button"
              className="link-button"
              onClick={() => dismiss.mutate({ id: n.id })}
              aria-label={`Dismiss: ${n.title}`}
            >
              Dismiss
            </button>
          </li>
        ))}
      </ul>
    </section>
  );
}
