/** Moving a license is two steps the customer already has: the wording is the feature. */
export function TransferSteps() {
  return (
    <div className="space-y-3 text-sm text-slate-700">
      <p>
        A seat belongs to a machine, not to you. To move the license to another computer, <strong>deactivate it here, then activate
        it on the new machine</strong>:
      </p>
      <ol className="list-decimal space-y-1 pl-5">
        <li>In the machine list above, press <strong>Deactivate</strong> next to the old machine, then <strong>Yes, deactivate</strong>. Its seat is free at once.</li>
        <li>The application on the old machine stops working the next time it checks the license. If that machine is lost or broken, this step is all it needs.</li>
        <li>On the new machine, enter your license key in the application (use <strong>Reveal</strong> above to see it). It takes the freed seat.</li>
      </ol>
    </div>
  );
}
