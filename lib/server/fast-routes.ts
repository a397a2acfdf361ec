import type { IncomingMessage, ServerResponse } from "node:http";

/**
 * Serves the request if it is one of the license API's routes and returns true;
 * returns false to let Next handle it.
 */
export async function handleFastRoute(_req: IncomingMessage, _res: ServerResponse): Promise<boolean> {
  return false;
}
