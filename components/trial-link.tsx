import Link from "next/link";

/** The pricing card's "Start free trial" for a plan that offers one: opens the trial page (email, then the trial). */
export function TrialLink(props: { plan: string; days: number; label: string }) {
  return (
    <Link
      prefetch={false}
      href={`/trial/${props.plan}`}
      aria-label={`Start a ${props.days}-day free trial of ${props.label}`}
      className="mt-2 block w-full rounded-md border border-indigo-600 px-4 py-2 text-center font-medium text-indigo-700 hover:bg-indigo-50 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-indigo-600"
    >
      Start free trial ({props.days} days)
    </Link>
  );
}
