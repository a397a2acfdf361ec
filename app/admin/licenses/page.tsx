import type { Metadata } from "next";
import { EmailAddress } from "@/components/email-address";
import Link from "next/link";
import { SelectField, TextField } from "@/components/admin/fields";
import { formatDate } from "@/components/format";
import { Pagination } from "@/components/admin/pagination";
import { SearchForm } from "@/components/admin/search-form";
import { buttons, link, td } from "@/components/admin/styles";
import { Table } from "@/components/admin/table";
import { StatusBadge, TrialBadge } from "@/components/status-badge";
import { planOptions } from "@/lib/admin/catalog-view";
import { requireAdmin } from "@/lib/admin/guard";
import { LICENSE_STATUSES, parseLicenseSearch, searchLicenses } from "@/lib/admin/license-search";

export const metadata: Metadata = { title: "Licenses" };

type Params = Record<string, string | string[] | undefined>;

export default async function LicensesPage(props: { searchParams: Promise<Params> }) {
  await requireAdmin("/admin/licenses");
  const search = parseLicenseSearch(await props.searchParams);
  const [page, plans] = await Promise.all([searchLicenses(search), planOptions()]);
  const filters = { key: search.key, email: search.email, status: search.status, plan: search.plan };
  return (
    <div className="space-y-6">
      <div className="flex flex-wrap items-end justify-between gap-3">
        <h1 className="text-3xl font-bold tracking-tight">Licenses</h1>
        <Link href="/admin/licenses/new" className={buttons.primary}>
          Issue a license
        </Link>
      </div>

      <SearchForm label="Search licenses" submit="Search" clearHref="/admin/licenses" layout="grid sm:grid-cols-2 lg:grid-cols-5">
        <TextField name="key" label="Key or last group" defaultValue={search.key} placeholder="ZP-…-B5N8Z or B5N8Z" scope="search" />
        <TextField name="email" label="Owner email contains" defaultValue={search.email} scope="search" />
        <SelectField name="status" label="Status" defaultValue={search.status ?? ""} scope="search" options={[{ value: "", label: "Any status" }, ...LICENSE_STATUSES.map((s) => ({ value: s, label: s.charAt(0) + s.slice(1).toLowerCase() }))]} />
        <SelectField name="plan" label="Plan" defaultValue={search.plan ?? ""} scope="search" options={[{ value: "", label: "Any plan" }, ...plans.map((p) => ({ value: p.slug, label: p.label }))]} />
      </SearchForm>

      <Table
        caption="Licenses, newest first"
        empty={page.items.length === 0 ? "No license matches." : undefined}
        columns={["Key", "Owner", "Plan", "Status", "Expires", "Machines", "Created"]}
      >
        {page.items.map((l) => (
          <tr key={l.id} data-license={l.id}>
            <td className={td}>
              <Link href={`/admin/licenses/${l.id}`} className={`${link} font-mono whitespace-nowrap`} aria-label={`License …${l.keyHint} of ${l.email}`}>
                …{l.keyHint}
              </Link>
            </td>
            <td className={`${td} min-w-40 break-words`}>
              <EmailAddress email={l.email} />
            </td>
            <td className={td}>
              {l.product} / {l.plan}
            </td>
            <td className={td}>
              <span className="flex flex-wrap gap-1">
                <StatusBadge status={l.status} />
                {l.trial && <TrialBadge endsAt={l.trialEndsAt} />}
              </span>
            </td>
            <td className={`${td} whitespace-nowrap`}>{l.expiresAt ? formatDate(l.expiresAt, false) : "Perpetual"}</td>
            <td className={`${td} tabular-nums`}>
              {l.activeMachines} / {l.maxMachines}
            </td>
            <td className={`${td} whitespace-nowrap`}>{formatDate(l.createdAt, false)}</td>
          </tr>
        ))}
      </Table>

      <Pagination basePath="/admin/licenses" params={filters} page={page.page} pageCount={page.pageCount} total={page.total} totalCapped={page.totalCapped} noun={["license", "licenses"]} />
    </div>
  );
}
