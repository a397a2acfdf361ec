import { GiftLicense } from "@/components/portal/gift-license";
import { RegenerateKey } from "@/components/portal/regenerate-key";
import { pendingGifts } from "@/lib/gifts/offers";
import { cancelGift, offerGift, regenerateKey } from "../../owner-actions";

/**
 * The license page's "Give to someone else" and "Regenerate key" sections (issue 14), kept in a
 * file of their own so the page only places them. A revoked license offers neither.
 */
export async function OwnerSections(props: { userId: string; license: { id: string; status: string; stripeSubscriptionId: string | null } }) {
  const { license } = props;
  if (license.status === "REVOKED") return null;
  const [pending = null] = await pendingGifts(props.userId, license.id);
  const unavailable = license.stripeSubscriptionId
    ? "A license paid by a subscription stays with the account that pays for it. Ask the vendor to move it to someone else."
    : null;
  return (
    <>
      <section aria-labelledby="gift" className="space-y-3">
        <h2 id="gift" className="text-xl font-semibold tracking-tight">
          Give to someone else
        </h2>
        <GiftLicense licenseId={license.id} pending={pending} unavailable={unavailable} offer={offerGift} cancel={cancelGift} />
      </section>
      <section aria-labelledby="regenerate" className="space-y-3">
        <h2 id="regenerate" className="text-xl font-semibold tracking-tight">
          Regenerate key
        </h2>
        <RegenerateKey licenseId={license.id} action={regenerateKey} />
      </section>
    </>
  );
}
