// What every admin handler gets: the request and the authenticated caller, who
// is recorded as the actor of every audit entry the handler writes.
import type { Actor } from "../audit/log";
import type { ApiRequest } from "../http/types";

export type AdminContext = { req: ApiRequest; actor: Actor };
