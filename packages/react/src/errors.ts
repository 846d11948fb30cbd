/**
 * A hook ran outside a `TidelogProvider` (or under one given no runtime). Thrown during
 * render, so an error boundary or the console names the component at fault.
 */
export class MissingProviderError extends Error {
  override readonly name = 'MissingProviderError';
  readonly code = 'NO_TIDELOG_PROVIDER' as const;
  constructor(hook: string) {
    super(`${hook} must be used inside <TidelogProvider tidelog={…}>`);
  }
}
