import { useState } from 'react';
import { useApp } from '../app/api-context';
import { baseName, fileBytes, saveFile } from '../app/download';
import { ErrorNotice } from './ErrorNotice';

/** Downloads one file of a run, saved under its own name. */
export function RunFileButton({ runId, name, label }: { runId: string; name: string; label?: string }) {
  const text = label ?? `Download ${baseName(name)}`;
  const { api } = useApp();
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const download = async () => {
    setBusy(true);
    setError(null);
    try {
      const file = await api.readRunFile({ runId, name });
      saveFile(baseName(file.name), fileBytes(file), file.mimeType);
    } catch (failure) {
      setError(failure);
    } finally {
      setBusy(false);
    }
  };
  return (
    <>
      <button type="button" onClick={download} disabled={busy} aria-label={text === 'Download' ? `Download ${name}` : undefined}>
        {text}
      </button>
      <ErrorNotice error={error} title={`Could not download ${baseName(name)}`} />
    </>
  );
}
