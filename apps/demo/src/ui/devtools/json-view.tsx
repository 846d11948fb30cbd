/** A JSON value, pretty-printed, in a scrollable region that a keyboard can reach and scroll. */
export function JsonView({ value, label }: { value: unknown; label: string }) {
  return (
    <section
      aria-label={label}
      // biome-ignore lint/a11y/noNoninteractiveTabindex: a scrollable region must take focus to scroll by keyboard
      tabIndex={0}
      className="max-h-64 overflow-auto rounded-lg bg-slate-950 p-3 font-mono text-[11px] leading-relaxed text-slate-200"
    >
      <pre>{value === undefined ? '…' : JSON.stringify(value, null, 2)}</pre>
    </section>
  );
}
