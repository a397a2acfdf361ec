import { authRoute } from "@/lib/auth/auth";
import { authPost } from "@/lib/auth/sign-in-route";
import { otherMethods } from "@/lib/http/route-methods";

export const dynamic = "force-dynamic";
export const GET = authRoute;
export const POST = authPost(authRoute);
export const { PUT, PATCH, DELETE } = otherMethods(["GET", "POST"]);
