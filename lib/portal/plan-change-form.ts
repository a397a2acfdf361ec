// The fields of the license page's plan-change forms (app/account/licenses/[id]/plan-actions.ts),
// here rather than in the "use server" module (which may export only actions) so tests can
// read them: a license, a plan slug and a seat count.
import { z } from "zod";
import { integerText } from "../http/input";
import { MAX_QUANTITY } from "../payments/upgrades";

/**
 * `{licenseId, plan, quantity?}` as FormData gives them (strings). `quantity` is the shared
 * whole-number-in-text type: decimal digits only, 1..MAX_QUANTITY, default 1 when absent;
 * z.coerce.number read "0x2", " 2" and "2e0" as 2 seats.
 */
export const planChangeForm = z.object({
  licenseId: z.guid(),
  plan: z.string().regex(/^[a-z0-9][a-z0-9-]{0,62}$/, "Choose a plan."),
  quantity: integerText(1, MAX_QUANTITY).default(1),
});
