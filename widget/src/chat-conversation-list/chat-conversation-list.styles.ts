import { css } from 'lit';

export const styles = css`
  :host {
    display: flex;
    flex-direction: column;
    min-block-size: 0;
    overflow: auto;
  }
  ul {
    list-style: none;
    margin: 0;
    padding: 0.25rem 0;
  }
  .item {
    display: flex;
    align-items: center;
    gap: 0.75rem;
    inline-size: 100%;
    padding: 0.625rem 1rem;
    text-align: start;
    border-radius: 0;
  }
  .item:hover {
    background: var(--_hover);
  }
  .item:focus-visible {
    outline-offset: -2px;
  }
  .main {
    flex: 1;
    min-inline-size: 0;
    display: grid;
    grid-template-columns: 1fr auto;
    column-gap: 0.5rem;
  }
  .name,
  .preview {
    overflow: hidden;
    text-overflow: ellipsis;
    white-space: nowrap;
  }
  .name {
    font-weight: 600;
  }
  .time,
  .preview {
    color: var(--_muted);
    font-size: 0.857em;
  }
  .time {
    align-self: center;
  }
  .unread .preview {
    color: var(--_text);
    font-weight: 600;
  }
  .count {
    justify-self: end;
    min-inline-size: 1.25rem;
    padding: 0 0.375rem;
    border-radius: 999px;
    background: var(--_accent);
    color: var(--_accent-text);
    font-size: 0.75rem;
    font-weight: 700;
    line-height: 1.25rem;
    text-align: center;
  }
  .empty {
    margin: auto;
    padding: 2rem 1rem;
    color: var(--_muted);
    text-align: center;
  }
  .more {
    margin: 0.5rem auto 1rem;
    padding: 0.375rem 1rem;
    border-radius: 999px;
    color: var(--_accent);
    font-weight: 600;
  }
  .more:hover {
    background: var(--_hover);
  }
`;
