import { LoadingRegion, SkeletonBlock } from "@/components/portal/skeleton";

export default function LicenseLoading() {
  return (
    <LoadingRegion label="Loading the license…">
      <SkeletonBlock className="h-5 w-28" />
      <div className="space-y-4 rounded-lg border border-slate-200 bg-white p-5">
        <SkeletonBlock className="h-9 w-72 max-w-full" />
        <SkeletonBlock className="h-10 w-full" />
        <SkeletonBlock className="h-9 w-80 max-w-full" />
      </div>
      <SkeletonBlock className="h-7 w-40" />
      <SkeletonBlock className="h-40 w-full" />
    </LoadingRegion>
  );
}
