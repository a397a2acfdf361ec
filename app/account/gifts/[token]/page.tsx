import type { Metadata } from "next";
import Link from "next/link";
import { AcceptGift } from "@/components/portal/accept-gift";
import { primaryButton } from "@/components/portal/buttons";
import { requireUser } from "@/lib/auth/session";
import { giftByToken, type GiftView } from "@/lib/gifts/accept";
import { isGiftTokenShaped } from "@/lib/gifts/token";
import { acceptGift } from "../../owner-actions";

export const metadata: Metadata = { title: "A license for you", referrer: "no-referrer" };

const ENDED: Record<Exclude<GiftView["state"], "pending">, string> = {
  unknown: "This gift link is not valid. Check that the whole link was copied from the email.",
  accepted: "This gift has been accepted already.",
  cancelled: "The giver cancelled this gift.",
  expired: "This gift link has expired. Ask the giver to send the license again.",
  withdrawn: "This license can no longer be given from this link.",
};

/**
 * The page a gift email links to. The receiver signs in first (the sign-in link brings them back
 * here), and only the address the gift was sent to may accept it.
 */
export default async function GiftPage(props: { params: Promise<{ token: string }> }) {
  const { token } = await props.params;
  const user = await requireUser(`/account/gifts/${isGiftTokenShaped(token) ? token : ""}`);
  const gift = await giftByToken(token);
  return (
    <div className="max-w-2xl space-y-6">
      <h1 className="text-3xl font-bold tracking-tight">A license for you</h1>
      {gift.state === "unknown" ? (
        <p role="status" className="rounded-md border border-slate-300 bg-white p-4 text-sm">{ENDED.unknown}</p>
      ) : (
        <div className="space-y-4 rounded-lg border border-slate-200 bg-white p-5">
          <p className="break-words">
            <strong>{gift.fromEmail}</strong> is giving <strong>{gift.toEmail}</strong> their license for{" "}
            <strong>
              {gift.productName} — {gift.planName}
            </strong>
            .
          </p>
          {gift.state === "accepted" && gift.ownerId === user.id ? (
            // The acceptance re-renders this page (its action revalidates): say so here, not only in the form.
            <div className="space-y-3">
              <p role="status" className="rounded-md border border-emerald-300 bg-emerald-50 p-3 text-sm text-emerald-900">
                The license is yours now.
              </p>
              <Link href={`/account/licenses/${gift.licenseId}`} className={primaryButton}>
                Open the license
              </Link>
            </div>
          ) : gift.state !== "pending" ? (
            <p role="status" className="text-sm">{ENDED[gift.state]}</p>
          ) : gift.toEmail !== user.email ? (
            <p role="alert" className="text-sm break-words text-red-700">
              You are signed in as {user.email}. Sign out, then open this link again and sign in as {gift.toEmail} to accept it.
            </p>
          ) : (
            <>
              <p className="text-sm text-slate-700">Accept it to see it under your licenses, with its key. Its machines keep their seats.</p>
              <AcceptGift token={token} action={acceptGift} />
            </>
          )}
        </div>
      )}
      <Link href="/account" className="inline-block text-sm font-medium text-indigo-700 underline">
        ← My licenses
      </Link>
    </div>
  );
}
