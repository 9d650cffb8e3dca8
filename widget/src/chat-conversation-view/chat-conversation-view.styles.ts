import { css } from 'lit';

export const styles = css`
  :host {
    display: flex;
    flex-direction: column;
    min-block-size: 0;
  }
  .body {
    position: relative;
    flex: 1;
    display: flex;
    flex-direction: column;
    min-block-size: 0;
  }
  chat-message-list {
    flex: 1;
  }
  .typing {
    position: absolute;
    inset-block-end: 0.25em;
    inset-inline-start: 0.75em;
    display: inline-flex;
    align-items: center;
    gap: 0.375em;
    max-inline-size: calc(100% - 1.5em);
    padding: 0.25em 0.625em;
    border-radius: 999px;
    background: var(--_surface);
    box-shadow: var(--_shadow);
    color: var(--_muted);
    font-size: 0.8125em;
  }
  .typing span:last-child {
    overflow: hidden;
    text-overflow: ellipsis;
    white-space: nowrap;
  }
  .dots {
    display: inline-flex;
    gap: 3px;
  }
  .dots i {
    inline-size: 5px;
    block-size: 5px;
    border-radius: 50%;
    background: currentColor;
    animation: blink 1.2s infinite ease-in-out;
  }
  .dots i:nth-child(2) {
    animation-delay: 0.2s;
  }
  .dots i:nth-child(3) {
    animation-delay: 0.4s;
  }
  @keyframes blink {
    0%,
    80%,
    100% {
      opacity: 0.25;
    }
    40% {
      opacity: 1;
    }
  }
  @media (prefers-reduced-motion: reduce) {
    .dots i {
      animation: none;
    }
  }
`;
