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
    padding: 0.25em 0;
  }
  .item {
    display: flex;
    align-items: center;
    gap: 0.75em;
    inline-size: 100%;
    padding: 0.625em 1em;
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
    column-gap: 0.5em;
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
    min-inline-size: 18px;
    padding: 0 5px;
    border-radius: 999px;
    background: var(--_accent);
    color: var(--_accent-text);
    font-size: 11px;
    font-weight: 700;
    line-height: 18px;
    text-align: center;
  }
  .empty {
    margin: auto;
    padding: 2em 1em;
    color: var(--_muted);
    text-align: center;
  }
  .more {
    margin: 0.5em auto 1em;
    padding: 0.375em 1em;
    border-radius: 999px;
    color: var(--_accent);
    font-weight: 600;
  }
  .more:hover {
    background: var(--_hover);
  }
`;
