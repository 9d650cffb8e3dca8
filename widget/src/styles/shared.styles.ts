import { css } from 'lit';

/**
 * Base styles of every shadow root: a reset that makes the widget immune to the host page's
 * inherited styles, the visually-hidden helper and one visible focus ring.
 */
export const baseStyles = css`
  :host,
  *,
  *::before,
  *::after {
    box-sizing: border-box;
  }
  [hidden] {
    display: none !important;
  }
  button,
  input,
  textarea {
    font: inherit;
    color: inherit;
    letter-spacing: inherit;
    margin: 0;
  }
  button {
    cursor: pointer;
    background: none;
    border: 0;
    padding: 0;
    text-transform: none;
  }
  button:disabled {
    cursor: default;
  }
  :focus-visible {
    outline: 2px solid var(--_focus);
    outline-offset: 2px;
  }
  .sr-only {
    position: absolute !important;
    width: 1px;
    height: 1px;
    margin: -1px;
    padding: 0;
    overflow: hidden;
    clip: rect(0 0 0 0);
    white-space: nowrap;
    border: 0;
  }
  .icon {
    width: 1.25em;
    height: 1.25em;
    flex: none;
    fill: none;
    stroke: currentColor;
    stroke-width: 2;
    stroke-linecap: round;
    stroke-linejoin: round;
  }
  .icon-button {
    display: inline-grid;
    place-items: center;
    inline-size: 2.875em;
    block-size: 2.875em;
    border-radius: 999px;
    color: inherit;
  }
  .icon-button:hover {
    background: var(--_hover);
  }
  :host([dir='rtl']) .flip,
  :host(:dir(rtl)) .flip {
    transform: scaleX(-1);
  }
`;
