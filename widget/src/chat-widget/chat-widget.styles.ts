import { css } from 'lit';

/** Theme tokens: public `--chat-*` custom properties feed private `--_*` ones. */
const light = css`
  --_bg: var(--chat-background, #ffffff);
  --_surface: var(--chat-surface, #ffffff);
  --_text: var(--chat-text, #111827);
  --_muted: var(--chat-muted, #5b6472);
  --_border: var(--chat-border, #e3e6eb);
  --_hover: var(--chat-hover, rgb(17 24 39 / 0.06));
  --_accent: var(--chat-accent, #2459d6);
  --_accent-text: var(--chat-accent-text, #ffffff);
  --_mine-bg: var(--chat-bubble-mine-background, var(--_accent));
  --_mine-text: var(--chat-bubble-mine-text, var(--_accent-text));
  --_theirs-bg: var(--chat-bubble-theirs-background, #eef0f4);
  --_theirs-text: var(--chat-bubble-theirs-text, var(--_text));
  --_avatar-bg: var(--chat-avatar-background, #6a7689);
  --_online: var(--chat-online, #16a34a);
  --_danger: var(--chat-danger, #c62828);
  --_focus: var(--chat-focus-ring, #2459d6);
  --_banner-bg: var(--chat-banner-background, #fff4d6);
  --_banner-text: var(--chat-banner-text, #5c4200);
  --_shadow: var(--chat-shadow, 0 6px 24px rgb(15 23 42 / 0.16), 0 1px 3px rgb(15 23 42 / 0.12));
  color-scheme: light;
`;

const dark = css`
  --_bg: var(--chat-background, #0f1520);
  --_surface: var(--chat-surface, #161d2a);
  --_text: var(--chat-text, #e7ebf2);
  --_muted: var(--chat-muted, #9aa5b5);
  --_border: var(--chat-border, #2a3444);
  --_hover: var(--chat-hover, rgb(255 255 255 / 0.07));
  --_accent: var(--chat-accent, #4d84f5);
  --_accent-text: var(--chat-accent-text, #061127);
  --_theirs-bg: var(--chat-bubble-theirs-background, #243044);
  --_avatar-bg: var(--chat-avatar-background, #56657d);
  --_online: var(--chat-online, #22c55e);
  --_danger: var(--chat-danger, #ff7b7b);
  --_focus: var(--chat-focus-ring, #8fb3ff);
  --_banner-bg: var(--chat-banner-background, #3d3210);
  --_banner-text: var(--chat-banner-text, #ffe6a3);
  --_shadow: var(--chat-shadow, 0 6px 24px rgb(0 0 0 / 0.5));
  color-scheme: dark;
`;

export const styles = css`
  :host {
    ${light}
    --_radius: var(--chat-radius, 18px);
    --_offset: var(--chat-offset, 20px);
    --_launcher: var(--chat-launcher-size, 56px);
    display: block;
    block-size: var(--chat-height, 560px);
    inline-size: 100%;
  }
  :host([mode='floating']),
  :host(:not([mode])) {
    display: contents;
  }
  :host([theme='dark']) {
    ${dark}
  }
  @media (prefers-color-scheme: dark) {
    :host(:not([theme='light'])) {
      ${dark}
    }
  }
  /* The host page's inherited styles stop here: the widget sets its own. */
  .root {
    display: contents;
    font: normal 400 var(--chat-font-size, 14px) / 1.45
      var(--chat-font-family, system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif);
    color: var(--_text);
    letter-spacing: normal;
    word-spacing: normal;
    text-align: start;
    text-indent: 0;
    text-transform: none;
    text-shadow: none;
    white-space: normal;
    word-break: normal;
    overflow-wrap: normal;
    font-feature-settings: normal;
    font-variant: normal;
    visibility: visible;
    cursor: auto;
    hyphens: manual;
    -webkit-font-smoothing: antialiased;
  }
  .launcher {
    position: fixed;
    z-index: var(--chat-z-index, 2147483000);
    inset-block-end: var(--_offset);
    inset-inline-end: var(--_offset);
    display: grid;
    place-items: center;
    inline-size: var(--_launcher);
    block-size: var(--_launcher);
    border-radius: 50%;
    background: var(--_accent);
    color: var(--_accent-text);
    box-shadow: var(--_shadow);
    font-size: 20px;
  }
  .launcher .icon {
    width: 28px;
    height: 28px;
  }
  .badge {
    position: absolute;
    inset-block-start: -4px;
    inset-inline-end: -4px;
    min-inline-size: 22px;
    padding: 0 6px;
    border: 2px solid var(--_surface);
    border-radius: 999px;
    background: var(--_danger);
    color: #fff;
    font-size: 12px;
    font-weight: 700;
    line-height: 18px;
    text-align: center;
  }
  .panel {
    display: flex;
    flex-direction: column;
    overflow: hidden;
    background: var(--_bg);
    color: var(--_text);
  }
  .inline {
    block-size: 100%;
    inline-size: 100%;
    border: 1px solid var(--_border);
    border-radius: var(--chat-panel-radius, 12px);
  }
  .floating {
    position: fixed;
    z-index: var(--chat-z-index, 2147483000);
    inset-block-end: calc(var(--_offset) + var(--_launcher) + 12px);
    inset-inline-end: var(--_offset);
    inline-size: min(var(--chat-width, 380px), calc(100vw - 2 * var(--_offset)));
    block-size: min(var(--chat-height, 600px), calc(100vh - var(--_launcher) - 3 * var(--_offset)));
    border: 1px solid var(--_border);
    border-radius: var(--chat-panel-radius, 16px);
    box-shadow: var(--_shadow);
  }
  @media (max-width: 480px) {
    .floating {
      inset: 0;
      inline-size: auto;
      block-size: auto;
      border: 0;
      border-radius: 0;
    }
  }
  header {
    display: flex;
    align-items: center;
    gap: 8px;
    min-block-size: 56px;
    padding: 8px 8px 8px 16px;
    padding-inline: 16px 8px;
    border-block-end: 1px solid var(--_border);
    background: var(--_surface);
    --_avatar-size: 36px;
  }
  header.sub {
    padding-inline-start: 4px;
  }
  .heading {
    flex: 1;
    min-inline-size: 0;
    display: flex;
    align-items: center;
    gap: 10px;
  }
  h2:focus {
    outline: none;
  }
  h2 {
    margin: 0;
    font-size: 16px;
    font-weight: 700;
    line-height: 1.25;
    overflow: hidden;
    text-overflow: ellipsis;
    white-space: nowrap;
  }
  .who {
    min-inline-size: 0;
    display: flex;
    flex-direction: column;
  }
  .who small {
    color: var(--_muted);
    font-size: 12px;
  }
  .banner {
    display: flex;
    align-items: center;
    gap: 8px;
    padding: 6px 16px;
    background: var(--_banner-bg);
    color: var(--_banner-text);
    font-size: 13px;
  }
  .banner.error {
    background: var(--_danger);
    color: #fff;
  }
  .banner span {
    flex: 1;
  }
  .banner button {
    font-weight: 600;
    text-decoration: underline;
  }
  .view {
    flex: 1;
    display: flex;
    flex-direction: column;
    min-block-size: 0;
  }
  .view > * {
    flex: 1;
  }
  .placeholder {
    margin: auto;
    color: var(--_muted);
  }
`;
