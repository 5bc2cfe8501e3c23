// Stripe's cursor pagination over newest-first collections.
import type Stripe from "stripe";
import { invalidRequest } from "./http/errors.ts";
import type { Params } from "./http/params.ts";

export const LIST_PARAMS = ["limit", "starting_after", "ending_before", "expand"] as const;

function readLimit(input: Params): number {
  const limit = input.int("limit") ?? 10;
  if (limit < 1 || limit > 100) {
    throw invalidRequest("This value must be greater than or equal to 1 and less than or equal to 100.", "limit");
  }
  return limit;
}

/** `items` must already be filtered and ordered newest first. */
export function paginate<T extends { id: string }>(items: T[], input: Params, url: string): Stripe.ApiList<T> {
  const limit = readLimit(input);
  const startingAfter = input.string("starting_after");
  const endingBefore = input.string("ending_before");
  if (startingAfter !== undefined && startingAfter !== "") {
    const index = items.findIndex((item) => item.id === startingAfter);
    if (index === -1) throw invalidRequest(`No such object: '${startingAfter}'`, "starting_after", "resource_missing");
    const data = items.slice(index + 1, index + 1 + limit);
    return { object: "list", data, has_more: index + 1 + limit < items.length, url };
  }
  if (endingBefore !== undefined && endingBefore !== "") {
    const index = items.findIndex((item) => item.id === endingBefore);
    if (index === -1) throw invalidRequest(`No such object: '${endingBefore}'`, "ending_before", "resource_missing");
    const start = Math.max(0, index - limit);
    return { object: "list", data: items.slice(start, index), has_more: start > 0, url };
  }
  return { object: "list", data: items.slice(0, limit), has_more: items.length > limit, url };
}

export function searchResult<T>(items: T[], input: Params, url: string): Stripe.ApiSearchResult<T> {
  const limit = readLimit(input);
  const offset = Number(input.string("page") ?? "0") || 0;
  const data = items.slice(offset, offset + limit);
  const hasMore = offset + limit < items.length;
  return { object: "search_result", data, has_more: hasMore, next_page: hasMore ? String(offset + limit) : null, url };
}
