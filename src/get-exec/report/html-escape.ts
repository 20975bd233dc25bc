/**
 * Escaping for text that comes from the data files: ids and e-mails are typed into a spreadsheet by
 * anyone, and a `<script>` in an id must show as text, in element content and in attributes alike.
 */

const ENTITY: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Escapes text for HTML/SVG element content and quoted attribute values. Control characters become U+FFFD. */
export function esc(text: string | number): string {
  return String(text)
    .replace(/[&<>"']/g, (ch) => ENTITY[ch]!)
    .replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F]/g, '\uFFFD');
}
