import { css, html, nothing } from 'lit';
import type { TemplateResult } from 'lit';
import { initials } from '../utils/names.js';
import { safeHttpUrl } from '../utils/safe-url.js';

function hideBroken(event: Event): void {
  (event.target as HTMLImageElement).hidden = true;
}

/**
 * An avatar: the user's http(s) picture over their initials (shown when there is no picture, an
 * unsafe URL or a broken image), with an optional presence dot (`part="presence"`).
 */
export function avatar(
  name: string,
  avatarUrl: string | null | undefined,
  online?: boolean,
  presenceLabel?: string,
): TemplateResult {
  const src = safeHttpUrl(avatarUrl);
  return html`<span class="avatar" aria-hidden=${presenceLabel ? nothing : 'true'}>
    <span class="initials" aria-hidden="true">${initials(name)}</span>
    ${
      src
        ? html`<img
            src=${src}
            alt=""
            loading="lazy"
            referrerpolicy="no-referrer"
            @error=${hideBroken}
          />`
        : nothing
    }
    ${
      online === undefined
        ? nothing
        : html`<span
            part="presence"
            class="presence"
            data-online=${online ? 'true' : 'false'}
            role=${presenceLabel ? 'img' : nothing}
            aria-label=${presenceLabel ?? nothing}
          ></span>`
    }
  </span>`;
}

export const avatarStyles = css`
  .avatar {
    position: relative;
    display: inline-grid;
    flex: none;
    inline-size: var(--_avatar-size, 2.75em);
    block-size: var(--_avatar-size, 2.75em);
    border-radius: 50%;
    background: var(--_avatar-bg);
    color: var(--chat-avatar-text, #ffffff);
    font-weight: 600;
    font-size: calc(var(--_avatar-size, 2.75em) * 0.38);
  }
  .avatar > .initials,
  .avatar > img {
    grid-area: 1 / 1;
    place-self: center;
  }
  .avatar > img {
    inline-size: 100%;
    block-size: 100%;
    border-radius: 50%;
    object-fit: cover;
  }
  .presence {
    position: absolute;
    inset-block-end: 0;
    inset-inline-end: 0;
    inline-size: 0.75em;
    block-size: 0.75em;
    border-radius: 50%;
    border: 2px solid var(--_surface);
    background: var(--_muted);
  }
  .presence[data-online='true'] {
    background: var(--_online);
  }
`;
