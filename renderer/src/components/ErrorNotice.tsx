import { describeError } from '../api/errors';

/** An error where it happened: what went wrong and, when the engine knows, what to do about it. */
export function ErrorNotice({ error, title }: { error: unknown; title?: string }) {
  if (error === null || error === undefined) return null;
  const { message, fix, details } = describeError(error);
  return (
    <div className="error" role="alert">
      <strong>{title ?? 'Error'}:</strong> {message}
      {details.length > 0 ? (
        <ul>
          {details.map((detail) => (
            <li key={detail}>{detail}</li>
          ))}
        </ul>
      ) : null}
      {fix ? <p className="fix">Fix: {fix}</p> : null}
    </div>
  );
}
