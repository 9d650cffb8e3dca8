/**
 * Registers a custom element once: loading the script tag and the npm build on one page, or one
 * bundle twice, must not throw "already defined" and break the host page.
 */
export function define(name: string, ctor: CustomElementConstructor): void {
  if (!customElements.get(name)) customElements.define(name, ctor);
}
