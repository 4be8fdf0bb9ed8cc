// uvu swallows an error thrown by a `before` hook (its runner returns from a `finally`): the
// file's tests count as failed and nothing says why. A hook wrapped in loud() prints its error
// first, so a broker or stack that did not start shows its reason in the run's output.
export function loud<S>(hook: (state: S) => unknown): (state: S) => Promise<void> {
  return async (state) => {
    try {
      await hook(state);
    } catch (e) {
      console.error(`before hook failed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
      throw e;
    }
  };
}
