import type { Metadata } from "next";
import { EmailAddress } from "@/components/email-address";
import Link from "next/link";
import { TextField } from "@/components/admin/fields";
import { formatDate, formatMoney } from "@/components/format";
import { Pagination } from "@/components/admin/pagination";
import { SearchForm } from "@/components/admin/search-form";
import { link, td } from "@/components/admin/styles";
import { Table } from "@/components/admin/table";
import { customerSearchSchema, listCustomers } from "@/lib/admin/customers";
import { requireAdmin } from "@/lib/admin/guard";

export const metadata: Metadata = { title: "Customers" };

export default async function CustomersPage(props: { searchParams: Promise<Record<string, string | undefined>> }) {
  await requireAdmin("/admin/customers");
  const search = customerSearchSchema.parse(await props.searchParams);
  const page = await listCustomers(search);
  return (
    <div className="space-y-6">
      <h1 className="text-3xl font-bold tracking-tight">Customers</h1>
      <SearchForm label="Search customers" submit="Search" layout="flex flex-wrap">
        <TextField name="q" label="Email or name contains" defaultValue={search.q} scope="customers" className="min-w-64 grow" />
      </SearchForm>
      <Table
        caption="Customers, newest first"
        empty={page.items.length === 0 ? "No customer matches." : undefined}
        columns={["Customer", "Licenses", "Paid", "Since"]}
      >
        {page.items.map((c) => (
          <tr key={c.id}>
            <th scope="row" className={`${td} text-left font-normal break-words`}>
              <Link href={`/admin/customers/${c.id}`} className={link}>
                <EmailAddress email={c.email} />
              </Link>
              {c.name && <span className="block text-xs text-slate-500">{c.name}</span>}
              {c.isAdmin && <span className="ml-1 rounded bg-slate-200 px-1.5 text-xs">admin</span>}
            </th>
            <td className={`${td} tabular-nums`}>{c.licenseCount}</td>
            <td className={`${td} tabular-nums`}>{c.paid.length === 0 ? "—" : c.paid.map((m) => formatMoney(m.amountCents, m.currency)).join(" + ")}</td>
            <td className={`${td} whitespace-nowrap`}>{formatDate(c.createdAt, false)}</td>
          </tr>
        ))}
      </Table>
      <Pagination basePath="/admin/customers" params={{ q: search.q }} page={page.page} pageCount={page.pageCount} total={page.total} totalCapped={page.totalCapped} noun={["customer", "customers"]} />
    </div>
  );
}
