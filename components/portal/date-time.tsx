// Dates render on the server, which does not know the reader's time zone: say
// UTC rather than show a server-local time that looks local and is not.
const dateFormat = new Intl.DateTimeFormat("en", { dateStyle: "medium", timeZone: "UTC" });
const dateTimeFormat = new Intl.DateTimeFormat("en", { dateStyle: "medium", timeStyle: "short", hourCycle: "h23", timeZone: "UTC" });

export function DateTime({ value, withTime = true }: { value: Date; withTime?: boolean }) {
  return (
    <time dateTime={value.toISOString()} className="whitespace-nowrap">
      {withTime ? `${dateTimeFormat.format(value)} UTC` : dateFormat.format(value)}
    </time>
  );
}
