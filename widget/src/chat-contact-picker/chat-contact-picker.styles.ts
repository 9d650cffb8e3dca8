import { css } from 'lit';

export const styles = css`
  :host {
    display: flex;
    flex-direction: column;
    min-block-size: 0;
  }
  .search {
    padding: 0.75rem 1rem 0.5rem;
  }
  input {
    inline-size: 100%;
    padding: 0.5rem 0.75rem;
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
    padding: 0 0 0.5rem;
  }
  .item {
    display: flex;
    align-items: center;
    gap: 0.75rem;
    inline-size: 100%;
    padding: 0.5rem 1rem;
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
    margin: 1.5rem 1rem;
    color: var(--_muted);
    text-align: center;
  }
`;
