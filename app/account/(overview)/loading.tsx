import { LoadingRegion, SkeletonBlock } from "@/components/portal/skeleton";

// Only the list: this file sits in a route group so that the license page, which
// must answer a real 404 for other people's ids, is not wrapped in a streamed shell.
export default function AccountLoading() {
  return (
    <LoadingRegion label="Loading your licenses…">
      <div className="space-y-2">
        <SkeletonBlock className="h-9 w-56" />
        <SkeletonBlock className="h-5 w-72 max-w-full" />
      </div>
      {[0, 1].map((i) => (
        <div key={i} className="space-y-3 rounded-lg border border-slate-200 bg-white p-5">
          <SkeletonBlock className="h-7 w-64 max-w-full" />
          <SkeletonBlock className="h-10 w-full" />
          <SkeletonBlock className="h-9 w-80 max-w-full" />
        </div>
      ))}
    </LoadingRegion>
  );
}
