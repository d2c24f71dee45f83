import { useCallback, useEffect, useRef, useState } from 'react';

export interface CallState<T> {
  value: T | undefined;
  error: unknown;
  loading: boolean;
  /** call again (after an action changed what it returns) */
  reload: () => void;
}

/** One API call's answer, error and loading flag; a newer call wins over a slower older one. */
export function useCall<T>(call: () => Promise<T>, deps: readonly unknown[]): CallState<T> {
  const [value, setValue] = useState<T>();
  const [error, setError] = useState<unknown>(null);
  const [loading, setLoading] = useState(true);
  const [generation, setGeneration] = useState(0);
  const latest = useRef(0);

  useEffect(() => {
    const ticket = ++latest.current;
    setLoading(true);
    call().then(
      (answer) => {
        if (ticket !== latest.current) return;
        setValue(answer);
        setError(null);
        setLoading(false);
      },
      (failure: unknown) => {
        if (ticket !== latest.current) return;
        setError(failure);
        setLoading(false);
      },
    );
  }, [...deps, generation]);

  const reload = useCallback(() => setGeneration((count) => count + 1), []);
  return { value, error, loading, reload };
}
