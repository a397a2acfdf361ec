import type { Metadata } from "next";
import { ExportForm } from "@/components/admin/export-form";
import { LicenseImport } from "@/components/admin/license-import";
import { Section } from "@/components/admin/section";
import { card } from "@/components/admin/styles";
import { prisma } from "@/lib/db/client";
import { requireAdmin } from "@/lib/admin/guard";
import { CSV_IMPORT_MAX_BYTES, CSV_IMPORT_MAX_LICENSES } from "@/lib/transfer/console-import";

export const metadata: Metadata = { title: "Import & export" };

export default async function TransferPage() {
  await requireAdmin("/admin/transfer");
  const plans = await prisma().plan.findMany({
    where: { archivedAt: null },
    select: { slug: true, name: true, product: { select: { name: true } } },
    orderBy: [{ product: { name: "asc" } }, { sortOrder: "asc" }, { name: "asc" }],
  });
  return (
    <div className="space-y-8">
      <h1 className="text-3xl font-bold tracking-tight">Import &amp; export</h1>

      <Section id="import" title="Import licenses from a CSV file">
        <div className={`${card} space-y-3`}>
          <p className="text-sm text-slate-700">
            A licenses export of this portal (with keys), or a Lemon Squeezy license-key export (columns <code>key</code>, <code>user_email</code>,{" "}
            <code>user_name</code>, <code>status</code>, <code>activation_limit</code>, <code>expires_at</code>, <code>created_at</code>,{" "}
            <code>product_id</code>). Rows without a plan go to the plan whose Lemon Squeezy variant or product id matches, else to the plan chosen
            here. The dry run shows per license what would happen; nothing changes until you apply it. Keys already here are updated to match the
            file (expiry, seats, status, added machines); running the same file again changes nothing. At most{" "}
            {CSV_IMPORT_MAX_BYTES / 1024 / 1024} MiB and {CSV_IMPORT_MAX_LICENSES.toLocaleString("en-US")} licenses per file.
          </p>
          <LicenseImport plans={plans.map((p) => ({ slug: p.slug, label: `${p.product.name} — ${p.name} (${p.slug})` }))} maxMegabytes={CSV_IMPORT_MAX_BYTES / 1024 / 1024} />
        </div>
      </Section>

      <Section id="export" title="Export">
        <div className={`${card} space-y-4`}>
          <p className="text-sm text-slate-700">
            Every export is recorded in the audit log. License keys are left out unless you ask for them; a licenses export with keys imports
            into another portal (or back here) as the same licenses.
          </p>
          <ExportForm kind="licenses" label="licenses" keysAllowed />
          <ExportForm kind="customers" label="customers" keysAllowed={false} />
          <ExportForm kind="machines" label="machines" keysAllowed />
        </div>
      </Section>
    </div>
  );
}
