import { formatDate } from "../format";

/** A date (with its time, in UTC, unless `withTime` is false) as a `<time>` element. */
export function DateTime({ value, withTime = true }: { value: Date; withTime?: boolean }) {
  return (
    <time dateTime={value.toISOString()} className="whitespace-nowrap">
      {formatDate(value, withTime)}
    </time>
  );
}
