// Log lines and whois answers are written by strangers: characters that steer a terminal or
// reorder text (C0/C1 controls, DEL, bidi overrides and isolates, zero-width marks) never reach
// a screen or a mail as they are. Tab stays: real logs use it.
const UNSAFE = /[\u0000-\u0008\u000a-\u001f\u007f-\u009f\u061c\u200b-\u200f\u2028-\u202e\u2066-\u2069\ufeff]/g;

// Terminal escape sequences as a whole (CSI: colour, cursor; OSC: window title), so no "[31m"
// or "]0;title" is left over.
const ESCAPES = /\u001b\[[0-?]*[ -/]*[@-~]|\u001b\][^\u0007\u001b]*(?:\u0007|\u001b\\)?/g;

// Shows each unsafe character as an escape (\x1b, \u202e), so the evidence stays readable and honest.
export function escapeUnsafe(text: string): string {
  return text.replace(UNSAFE, (c) => {
    const code = c.charCodeAt(0);
    return code < 0x100 ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`;
  });
}

// Removes unsafe characters outright (for short values such as a network name).
export function stripUnsafe(text: string): string {
  return text.replace(ESCAPES, '').replace(UNSAFE, '');
}

// Caps a string at `max` characters, saying how much was cut.
export function capLength(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max)}... [${text.length - max} more characters]`;
}
