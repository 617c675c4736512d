import { describe, expect, it } from 'vitest';
import { visible } from './visible.js';

describe('visible', () => {
  it('leaves ordinary text alone', () => {
    expect(visible('POST:/v1.0/x:abc:2024-01-01T00:00:00+07:00')).toBe('POST:/v1.0/x:abc:2024-01-01T00:00:00+07:00');
  });

  it('shows each line break as \\n and keeps breaking the line after it', () => {
    expect(visible('Client-Id:a\nRequest-Id:b')).toBe('Client-Id:a\\n\nRequest-Id:b');
    expect(visible('a\n')).toBe('a\\n\n');
  });

  it('shows trailing spaces as · but keeps inner spaces', () => {
    expect(visible('a b  \nc ')).toBe('a b··\\n\nc·');
  });

  it('shows tabs, carriage returns, control and invisible characters', () => {
    expect(visible('a\tb\r\nc')).toBe('a\\tb\\r\\n\nc');
    expect(visible('x\u0000y\u007f')).toBe('x<U+0000>y<U+007F>');
    expect(visible('\ufeffkey\u00a0\u200b')).toBe('<U+FEFF>key<U+00A0><U+200B>');
  });
});
