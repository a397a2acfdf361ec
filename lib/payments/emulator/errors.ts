/** An error the emulator answers the way Stripe does: `{ error: { type, message, param?, code? } }`. */
export class StripeApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly param?: string,
    readonly type = "invalid_request_error",
    readonly code?: string,
  ) {
    super(message);
  }

  toJSON() {
    return { error: { type: this.type, message: this.message, param: this.param, code: this.code } };
  }
}

/**
 * Stripe's answer for an unknown id: "No such customer: 'cus_123'", 404 for an id in the path and
 * 400 for one in the request's parameters.
 */
export function noSuch(resource: string, id: string, param?: string, status = 404): StripeApiError {
  return new StripeApiError(status, `No such ${resource}: '${id}'`, param, "invalid_request_error", "resource_missing");
}
