import { css } from 'lit';

export const styles = css`
  :host {
    display: flex;
    flex-direction: column;
    min-block-size: 0;
  }
  .search {
    padding: 0.75em 1em 0.5em;
  }
  input {
    inline-size: 100%;
    padding: 0.5em 0.75em;
    border: 1px solid var(--_border);
    border-radius: 999px;
    background: var(--_bg);
  }
  input::placeholder {
    color: var(--_muted);
    opacity: 1;
  }
  input:focus-visible {
    outline-offset: 0;
  }
  ul {
    flex: 1;
    overflow: auto;
    list-style: none;
    margin: 0;
    padding: 0 0 0.5em;
  }
  .item {
    display: flex;
    align-items: center;
    gap: 0.75em;
    inline-size: 100%;
    padding: 0.5em 1em;
    text-align: start;
  }
  .item:hover {
    background: var(--_hover);
  }
  .item:focus-visible {
    outline-offset: -2px;
  }
  .name {
    overflow: hidden;
    text-overflow: ellipsis;
    white-space: nowrap;
    font-weight: 600;
  }
  .empty {
    margin: 1.5em 1em;
    color: var(--_muted);
    text-align: center;
  }
`;
