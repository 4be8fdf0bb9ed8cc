// A few lines instead of a framework: the pages build plain DOM with h() and replace it whole.
type Child = Node | string | number | false | null | undefined;
type Attrs = Record<string, string | number | boolean | ((ev: Event) => void) | undefined>;

export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attrs: Attrs | null = null,
  ...children: (Child | Child[])[]
): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs ?? {})) {
    if (v === undefined || v === false) continue;
    if (typeof v === 'function') el.addEventListener(k.replace(/^on/, ''), v);
    else if (v === true) el.setAttribute(k, '');
    else el.setAttribute(k, String(v));
  }
  for (const c of children.flat()) {
    if (c === null || c === undefined || c === false) continue;
    el.append(c instanceof Node ? c : String(c));
  }
  return el;
}

/** A box that says what went wrong, where the thing would have been. */
export const errorBox = (message: string) => h('div', { class: 'error', role: 'alert' }, message);

/** A table's heading row: one `th` a column. */
export const headings = (...columns: string[]) => h('tr', null, columns.map((c) => h('th', null, c)));
