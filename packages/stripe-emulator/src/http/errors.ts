// Stripe's error envelope and the statuses the SDK maps to its error classes.
type StripeErrorType = "api_error" | "card_error" | "idempotency_error" | "invalid_request_error";

export interface StripeErrorBody {
  type: StripeErrorType;
  message: string;
  code?: string;
  param?: string;
  decline_code?: string;
  doc_url?: string;
}

export class StripeHttpError extends Error {
  readonly status: number;
  readonly body: StripeErrorBody;
  /** Validation failures never started executing, so Stripe does not store them under an idempotency key. */
  readonly replayable: boolean;

  constructor(status: number, body: StripeErrorBody, replayable = true) {
    super(body.message);
    this.status = status;
    this.body = body;
    this.replayable = replayable;
  }
}

const DOCS = "https://stripe.com/docs/error-codes";

export function invalidRequest(message: string, param?: string, code?: string): StripeHttpError {
  return new StripeHttpError(400, {
    type: "invalid_request_error",
    message,
    ...(param === undefined ? {} : { param }),
    ...(code === undefined ? {} : { code, doc_url: `${DOCS}/${code.replaceAll("_", "-")}` }),
  });
}

export function parameterUnknown(param: string): StripeHttpError {
  return new StripeHttpError(
    400,
    {
      type: "invalid_request_error",
      code: "parameter_unknown",
      param,
      message: `Received unknown parameter: ${param}`,
      doc_url: `${DOCS}/parameter-unknown`,
    },
    false,
  );
}

export function parameterMissing(param: string): StripeHttpError {
  return new StripeHttpError(
    400,
    {
      type: "invalid_request_error",
      code: "parameter_missing",
      param,
      message: `Missing required param: ${param}.`,
      doc_url: `${DOCS}/parameter-missing`,
    },
    false,
  );
}

export function parameterInvalid(param: string, message: string): StripeHttpError {
  return new StripeHttpError(
    400,
    { type: "invalid_request_error", code: "parameter_invalid_string", param, message },
    false,
  );
}

export function resourceMissing(noun: string, id: string, param = "id"): StripeHttpError {
  return new StripeHttpError(404, {
    type: "invalid_request_error",
    code: "resource_missing",
    param,
    message: `No such ${noun}: '${id}'`,
    doc_url: `${DOCS}/resource-missing`,
  });
}

export interface CardDecline {
  code: string;
  declineCode?: string;
  message: string;
}

export function cardError(decline: CardDecline): StripeHttpError {
  return new StripeHttpError(402, {
    type: "card_error",
    code: decline.code,
    message: decline.message,
    ...(decline.declineCode === undefined ? {} : { decline_code: decline.declineCode }),
    doc_url: `${DOCS}/${decline.code.replaceAll("_", "-")}`,
  });
}

export function authenticationError(message: string): StripeHttpError {
  return new StripeHttpError(401, { type: "invalid_request_error", message }, false);
}

/** Stripe's answer over the rate limit; never stored under an idempotency key, since nothing ran. */
export function rateLimitError(): StripeHttpError {
  return new StripeHttpError(
    429,
    {
      type: "invalid_request_error",
      code: "rate_limit",
      message:
        "Request rate limit exceeded. You can learn more about rate limits here https://stripe.com/docs/rate-limits.",
      doc_url: `${DOCS}/rate-limit`,
    },
    false,
  );
}

export function apiError(message: string): StripeHttpError {
  return new StripeHttpError(500, { type: "api_error", message }, false);
}
