import { cache } from "react";
import { requireUser } from "@/lib/auth/session";

/**
 * requireUser, once per request: the license page's gate (layout) and the page both
 * check the session themselves, and React's request cache spares the second lookup.
 */
export const accountUser = cache(requireUser);
