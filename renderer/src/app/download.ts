import type { RunFileContent } from '../../../electron/api/contract';

/** Saves bytes the page already holds as a file in the user's downloads. */
export function saveFile(name: string, content: BlobPart, mimeType: string): void {
  const url = URL.createObjectURL(new Blob([content], { type: mimeType }));
  const link = document.createElement('a');
  link.href = url;
  link.download = name;
  document.body.append(link);
  link.click();
  link.remove();
  // The download has started from the URL by now; keeping it would leak the blob for the page's life.
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

export function fileBytes(file: RunFileContent): BlobPart {
  if (file.encoding === 'utf8') return file.content;
  const binary = atob(file.content);
  const bytes = new Uint8Array(binary.length);
  for (let index = 0; index < binary.length; index += 1) bytes[index] = binary.charCodeAt(index);
  return bytes;
}

export function baseName(name: string): string {
  return name.slice(name.lastIndexOf('/') + 1);
}
