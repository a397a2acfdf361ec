import type { ConsoleAction } from "@/lib/admin/action-state";
import { ActionForm } from "./action-form";
import { TextField } from "./fields";
import { card } from "./styles";

/**
 * The license page's "Owner and key" section: give the license to another customer, and replace
 * a leaked key. A revoked license keeps its owner changeable (records get corrected) but gets no new key.
 */
export function LicenseOwnerKey(props: {
  licenseId: string;
  ownerEmail: string;
  revoked: boolean;
  changeOwner: ConsoleAction;
  regenerateKey: ConsoleAction;
}) {
  const hidden = { licenseId: props.licenseId };
  return (
    <div className="grid gap-4 md:grid-cols-2">
      <div className={card}>
        <h3 className="mb-2 font-semibold">Change owner</h3>
        <ActionForm action={props.changeOwner} hidden={hidden} submit="Change owner" variant="secondary" fieldLabels={{ email: "New owner" }}>
          <TextField
            name="email"
            type="email"
            label="New owner's email"
            required
            scope="owner"
            hint={`Now ${props.ownerEmail}. A new address gets a customer account; the key and machines stay.`}
          />
        </ActionForm>
      </div>
      <div className={card}>
        <h3 className="mb-2 font-semibold">Regenerate key</h3>
        {props.revoked ? (
          <p className="text-sm text-slate-700">A revoked license gets no new key: it would not work either.</p>
        ) : (
          <>
            <p className="mb-3 text-sm text-slate-700">For a key that leaked: the old key stops working at once, machines keep their seats, and the owner is emailed the new key.</p>
            <ActionForm
              action={props.regenerateKey}
              hidden={hidden}
              submit="Regenerate key…"
              variant="secondary"
              confirm={{ question: "Replace the key? The old one stops working at once.", yes: "Yes, new key" }}
              secretLabel="New license key"
            />
          </>
        )}
      </div>
    </div>
  );
}
