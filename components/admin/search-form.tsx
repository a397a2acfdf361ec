import Link from "next/link";
import type { ReactNode } from "react";
import { buttons } from "./styles";

/**
 * A console list's filter form: a GET to the page itself, so the address keeps
 * the filters; Clear goes back to the unfiltered list. `layout` places the fields
 * (a grid or a wrapping row).
 */
export function SearchForm(props: { label: string; submit: string; clearHref?: string; layout: string; children: ReactNode }) {
  return (
    <form role="search" aria-label={props.label} className={`${props.layout} items-end gap-3 rounded-lg border border-slate-200 bg-white p-4`}>
      {props.children}
      <div className="flex gap-2">
        <button type="submit" className={buttons.primary}>
          {props.submit}
        </button>
        {props.clearHref && (
          <Link href={props.clearHref} className={buttons.secondary}>
            Clear
          </Link>
        )}
      </div>
    </form>
  );
}
