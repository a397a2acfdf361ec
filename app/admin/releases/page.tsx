import type { Metadata } from "next";
import { ActionForm } from "@/components/admin/action-form";
import { ArtifactUpload } from "@/components/admin/artifact-upload";
import { Checkbox, SelectField, TextArea, TextField } from "@/components/admin/fields";
import { Section } from "@/components/admin/section";
import { card, td } from "@/components/admin/styles";
import { Table } from "@/components/admin/table";
import { formatCount, formatDate } from "@/components/format";
import { requireAdmin } from "@/lib/admin/guard";
import { releasesWithDownloads } from "@/lib/admin/releases";
import { createRelease, setReleaseStatus } from "../actions";

export const metadata: Metadata = { title: "Releases" };

const bytes = (n: number) => (n >= 1024 ** 2 ? `${(n / 1024 ** 2).toFixed(1)} MiB` : n >= 1024 ? `${(n / 1024).toFixed(1)} KiB` : `${n} B`);

export default async function ReleasesPage() {
  await requireAdmin("/admin/releases");
  const { releases, products } = await releasesWithDownloads();
  return (
    <div className="space-y-8">
      <h1 className="text-3xl font-bold tracking-tight">Releases</h1>
      <Table
        caption="Releases, newest version first per product, with downloads"
        empty={releases.length === 0 ? "No releases yet." : undefined}
        columns={["Release", "Channel", "Status", "Files", "Downloads (30 days / all)", "Actions"]}
      >
        {releases.map((r) => (
          <tr key={r.id} data-release={`${r.product}@${r.version}`}>
            <th scope="row" className={`${td} text-left`}>
              {r.product} <span className="font-mono">{r.version}</span>
              <span className="block text-xs font-normal text-slate-500">
                {r.publishedAt ? `published ${formatDate(r.publishedAt)}` : "not published"}
                {r.entitlements.length > 0 && ` · needs ${r.entitlements.join(", ")}`}
              </span>
            </th>
            <td className={td}>{r.channel}</td>
            <td className={td}>{r.status}</td>
            <td className={td}>
              {r.artifacts.length === 0 ? (
                "—"
              ) : (
                <ul className="space-y-0.5 text-sm">
                  {r.artifacts.map((a) => (
                    <li key={a.id}>
                      <span className="font-mono">{a.filename}</span> ({a.platform}/{a.arch}, {bytes(a.size)}, {formatCount(r.artifactDownloads[a.id] ?? 0)} downloads)
                      <span className="block font-mono text-xs break-all text-slate-500">sha256 {a.sha256}</span>
                    </li>
                  ))}
                </ul>
              )}
              <details className="mt-2">
                <summary className="cursor-pointer text-sm">Upload a file</summary>
                <ArtifactUpload releaseId={r.id} label={`Upload a file to ${r.product} ${r.version}`} />
              </details>
            </td>
            <td className={td}>
              {formatCount(r.downloads.last30Days)} / {formatCount(r.downloads.total)}
            </td>
            <td className={`${td} space-y-1`}>
              {r.status !== "PUBLISHED" && (
                <ActionForm action={setReleaseStatus} submit="Publish" submitLabel={`Publish ${r.product} ${r.version}`} hidden={{ releaseId: r.id, status: "PUBLISHED" }} />
              )}
              {r.status === "PUBLISHED" && (
                <ActionForm
                  action={setReleaseStatus}
                  submit="Yank"
                  variant="dangerOutline"
                  submitLabel={`Yank ${r.product} ${r.version}`}
                  hidden={{ releaseId: r.id, status: "YANKED" }}
                />
              )}
            </td>
          </tr>
        ))}
      </Table>

      <Section id="new-release" title="New release">
        <div className={card}>
          <ActionForm
            action={createRelease}
            submit="Create release"
            fieldLabels={{ product: "Product", version: "Version", channel: "Channel", notes: "Notes", entitlements: "Entitlements" }}
          >
            <div className="grid gap-4 sm:grid-cols-2">
              <SelectField name="product" label="Product" scope="release" options={products.map((p) => ({ value: p.slug, label: p.name }))} />
              <TextField name="version" label="Version" required scope="release" hint="SemVer, e.g. 1.4.2 or 2.0.0-beta.1." />
              <SelectField
                name="channel"
                label="Channel"
                scope="release"
                options={[
                  { value: "stable", label: "stable" },
                  { value: "beta", label: "beta" },
                  { value: "alpha", label: "alpha" },
                ]}
              />
              <TextArea name="entitlements" label="Entitlements needed" rows={2} scope="release" hint="One per line; empty: every license of the product." />
              <TextArea name="notes" label="Release notes" scope="release" className="sm:col-span-2" />
              <Checkbox name="draft" label="Create as a draft" scope="release" hint="Upload its files first, then publish it here." />
            </div>
          </ActionForm>
        </div>
      </Section>
    </div>
  );
}
