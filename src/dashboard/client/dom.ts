// Building the page with the DOM, never with HTML strings: every text from
// the data (agent names, error messages) is user-controlled and goes in as
// text, so nothing in it can become markup.

type Child = Node | string | number | null | undefined | false;
type Attrs = Record<string, string | number | boolean | null | undefined>;

const SVG_NS = 'http://www.w3.org/2000/svg';

function fill<T extends Element>(el: T, attrs: Attrs, children: Child[]): T {
  for (const [name, value] of Object.entries(attrs)) {
    if (value === null || value === undefined || value === false) continue;
    el.setAttribute(name, value === true ? '' : String(value));
  }
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    el.append(typeof child === 'object' ? child : String(child));
  }
  return el;
}

/** An HTML element: h('p', { class: 'note' }, 'text', h('b', {}, 'bold')). */
export function h<K extends keyof HTMLElementTagNameMap>(tag: K, attrs: Attrs = {}, ...children: Child[]): HTMLElementTagNameMap[K] {
  return fill(document.createElement(tag), attrs, children);
}

/** An SVG element, same shape as h(). */
export function s<K extends keyof SVGElementTagNameMap>(tag: K, attrs: Attrs = {}, ...children: Child[]): SVGElementTagNameMap[K] {
  return fill(document.createElementNS(SVG_NS, tag), attrs, children);
}

/** A hover text for an SVG shape (also what screen readers announce for it). */
export function tip(text: string): SVGTitleElement {
  return s('title', {}, text);
}

let ids = 0;
/** A unique id for aria-labelledby links. */
export function uid(prefix: string): string {
  return `${prefix}-${++ids}`;
}
