import { describe, expect, it } from 'vitest';
import { resolveToken, tokenFromSearch, urlWithoutToken } from '../../renderer/src/api/token';

function memoryStorage() {
  const values = new Map<string, string>();
  return { getItem: (key: string) => values.get(key) ?? null, setItem: (key: string, value: string) => void values.set(key, value) };
}

describe('web mode token', () => {
  it('reads the token serve printed in the URL', () => {
    expect(tokenFromSearch('?token=abc123')).toBe('abc123');
    expect(tokenFromSearch('?page=sweep&token=a%2Bb')).toBe('a+b');
    expect(tokenFromSearch('?token=')).toBeNull();
    expect(tokenFromSearch('')).toBeNull();
  });

  it('takes the token out of the address bar and keeps everything else', () => {
    expect(urlWithoutToken('http://127.0.0.1:4321/?token=abc&page=runs#top')).toBe('http://127.0.0.1:4321/?page=runs#top');
    expect(urlWithoutToken('http://127.0.0.1:4321/?token=abc')).toBe('http://127.0.0.1:4321/');
  });

  it('remembers the token for a reload of the same tab, and a new URL token replaces it', () => {
    const storage = memoryStorage();
    expect(resolveToken('?token=first', storage)).toBe('first');
    expect(resolveToken('', storage)).toBe('first');
    expect(resolveToken('?token=second', storage)).toBe('second');
    expect(resolveToken('', storage)).toBe('second');
    expect(resolveToken('', memoryStorage())).toBeNull();
    expect(resolveToken('', undefined)).toBeNull();
  });
});
