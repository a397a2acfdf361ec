import { handleLemonSqueezyApi } from "@/lib/compat/lemonsqueezy/handler";
import { nextRoute } from "@/lib/http/next-adapter";

// Lemon Squeezy's License API paths (/v1/licenses/activate|validate|deactivate). The
// production server answers them before Next sees them (lib/server/fast-routes.ts);
// this mount serves `next dev` and other hosts.
export const dynamic = "force-dynamic";

const handler = nextRoute(handleLemonSqueezyApi);
export { handler as GET, handler as POST, handler as PUT, handler as PATCH, handler as DELETE };
