import { css } from 'lit';

export const styles = css`
  :host {
    display: block;
    border-block-start: 1px solid var(--_border);
    background: var(--_surface);
  }
  form {
    display: flex;
    align-items: flex-end;
    gap: 0.5em;
    padding: 0.5em 0.75em;
  }
  textarea {
    flex: 1;
    min-inline-size: 0;
    block-size: 2.5em;
    max-block-size: 8em;
    padding: 0.5em 0.75em;
    border: 1px solid var(--_border);
    border-radius: 1.25em;
    background: var(--_bg);
    line-height: 1.4;
    resize: none;
    overflow-y: auto;
    text-align: start;
  }
  textarea::placeholder {
    color: var(--_muted);
    opacity: 1;
  }
  textarea:focus-visible {
    outline-offset: 0;
  }
  textarea:disabled {
    opacity: 0.6;
  }
  .send {
    background: var(--_accent);
    color: var(--_accent-text);
  }
  .send:hover:not(:disabled) {
    background: var(--_accent);
    filter: brightness(1.1);
  }
  .send:disabled {
    opacity: 0.5;
  }
  .reason {
    margin: 0;
    padding: 0.375em 0.75em 0;
    color: var(--_muted);
    font-size: 0.8125em;
  }
`;
