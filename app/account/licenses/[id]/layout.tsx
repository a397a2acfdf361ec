import { notFound } from "next/navigation";
import type { ReactNode } from "react";
import { parseId } from "@/lib/portal/ids";
import { ownsLicense } from "@/lib/portal/licenses";
import { accountUser } from "../../session";

/**
 * The gate before anything streams. The page below has a loading state, and once a
 * streamed response has begun its status is 200 for good; checked here, outside that
 * boundary, another customer's id (or a malformed one) gets a real 404 and a
 * signed-out visitor a real redirect. The page checks again itself.
 */
export default async function LicenseGate(props: { children: ReactNode; params: Promise<{ id: string }> }) {
  const { id } = await props.params;
  const licenseId = parseId(id);
  if (!licenseId) notFound();
  const user = await accountUser(`/account/licenses/${licenseId}`);
  if (!(await ownsLicense(user.id, licenseId))) notFound();
  return props.children;
}
