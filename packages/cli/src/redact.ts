/** A token as the CLI shows it by default: its first 4 characters and an ellipsis. */
export function redactToken(token: string): string {
  // A very short "token" would be given away by its first 4 characters: show nothing of it.
  return token.length >= 12 ? `${token.slice(0, 4)}…` : '…';
}

/** "14 min 59 s", "2 h 3 min", "3 d 1 h": a rough human duration. */
export function humanDuration(ms: number): string {
  const s = Math.round(ms / 1000);
  if (s < 60) return `${s} s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m} min ${s % 60} s`;
  const h = Math.floor(m / 60);
  if (h < 48) return `${h} h ${m % 60} min`;
  return `${Math.floor(h / 24)} d ${h % 24} h`;
}
