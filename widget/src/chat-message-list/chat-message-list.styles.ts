import { css } from 'lit';

export const styles = css`
  :host {
    position: relative;
    display: flex;
    flex-direction: column;
    min-block-size: 0;
  }
  /* A column whose filler pushes a short conversation to the bottom, as chats read. */
  .scroller {
    display: flex;
    flex-direction: column;
    flex: 1;
    min-block-size: 0;
    overflow-y: auto;
    overflow-x: hidden;
    overflow-anchor: none;
    overscroll-behavior: contain;
    padding: 0 0.75em;
  }
  .scroller > * {
    flex-shrink: 0;
  }
  .tail {
    height: 32px;
  }
  .scroller > .filler {
    flex: 1 0 0;
  }
  .scroller:focus-visible {
    outline-offset: -2px;
  }
  .row {
    display: flex;
    flex-direction: column;
    padding-block-start: 2px;
  }
  .row.first {
    padding-block-start: 8px;
  }
  .row.mine {
    align-items: flex-end;
  }
  .row.theirs {
    align-items: flex-start;
  }
  .day {
    align-items: center;
    padding-block: 12px 4px;
    color: var(--_muted);
    font-size: 0.75em;
    font-weight: 600;
  }
  .bubble {
    max-inline-size: min(80%, 32em);
    padding: 0.4375em 0.75em;
    border-radius: var(--_radius);
    background: var(--_theirs-bg);
    color: var(--_theirs-text);
    overflow-wrap: anywhere;
    word-break: normal;
    text-align: start;
  }
  .mine .bubble {
    background: var(--_mine-bg);
    color: var(--_mine-text);
  }
  .theirs:not(.last) .bubble {
    border-end-start-radius: 4px;
  }
  .theirs:not(.first) .bubble {
    border-start-start-radius: 4px;
  }
  .mine:not(.last) .bubble {
    border-end-end-radius: 4px;
  }
  .mine:not(.first) .bubble {
    border-start-end-radius: 4px;
  }
  .content {
    white-space: pre-wrap;
  }
  .bubble a {
    color: inherit;
    text-decoration: underline;
  }
  .meta {
    display: inline-flex;
    align-items: center;
    gap: 0.25em;
    float: inline-end;
    margin-block-start: 0.375em;
    margin-inline-start: 0.625em;
    font-size: 0.6875em;
    line-height: 1;
    opacity: 0.75;
    white-space: nowrap;
  }
  .status {
    display: inline-flex;
  }
  .status .icon {
    width: 1.125em;
    height: 1.125em;
  }
  [data-status='failed'] {
    outline: 1px solid var(--_danger);
  }
  .failed {
    display: flex;
    gap: 0.75em;
    padding-block: 0.25em;
    color: var(--_danger);
    font-size: 0.8125em;
  }
  .link {
    color: var(--_accent);
    font-weight: 600;
    text-decoration: underline;
  }
  .empty {
    margin: 2em auto;
    color: var(--_muted);
    text-align: center;
  }
  .loading {
    position: absolute;
    inset-block-start: 0.5em;
    inset-inline: 0;
    margin-inline: auto;
    inline-size: max-content;
    padding: 0.25em 0.75em;
    border-radius: 999px;
    background: var(--_surface);
    box-shadow: var(--_shadow);
    font-size: 0.8125em;
  }
  .jump {
    position: absolute;
    inset-block-end: 0.75em;
    inset-inline-end: 0.75em;
    display: inline-flex;
    align-items: center;
    gap: 0.375em;
    padding: 0.375em 0.75em;
    border-radius: 999px;
    background: var(--_accent);
    color: var(--_accent-text);
    box-shadow: var(--_shadow);
    font-size: 0.8125em;
    font-weight: 600;
  }
`;
