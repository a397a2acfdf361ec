import { Fragment } from "react";

/**
 * An email address that wraps where a reader expects it to, before the "@" and the
 * dots of the domain (<wbr>), instead of anywhere mid-word: pair it with
 * `break-words` (overflow-wrap), which only cuts a part still too long for its box.
 */
export function EmailAddress({ email }: { email: string }) {
  const at = email.lastIndexOf("@");
  if (at <= 0) return <>{email}</>;
  const domain = email.slice(at + 1).split(".");
  return (
    <>
      {email.slice(0, at)}
      <wbr />@
      {domain.map((part, i) => (
        <Fragment key={i}>
          {i > 0 && (
            <>
              <wbr />.
            </>
          )}
          {part}
        </Fragment>
      ))}
    </>
  );
}
