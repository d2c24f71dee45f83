/**
 * Ctrl-C asks long work to stop and keep what it has; a second Ctrl-C leaves at once.
 */
export function cancelOnInterrupt(onFirst: () => void): { signal: AbortSignal; dispose: () => void } {
  const controller = new AbortController();
  const handler = () => {
    if (controller.signal.aborted) process.exit(130);
    process.stderr.write('\ncancelling: saving what was measured so far (Ctrl-C again to quit at once)\n');
    onFirst();
    controller.abort();
  };
  process.on('SIGINT', handler);
  process.on('SIGTERM', handler);
  return {
    signal: controller.signal,
    dispose: () => {
      process.off('SIGINT', handler);
      process.off('SIGTERM', handler);
    },
  };
}
