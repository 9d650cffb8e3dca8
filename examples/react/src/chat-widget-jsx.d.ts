/**
 * `<chat-widget>` in JSX. React 19 sets a prop as a property when the element has one
 * (`tokenProvider`, `strings`), as an attribute otherwise (`server-url`), and adds `on…` function
 * props as listeners of the event named after `on` (`onchat-unread-change`).
 */
import type { DetailedHTMLProps, HTMLAttributes } from 'react';
import type {
  ChatErrorEvent,
  ChatReadyEvent,
  ChatUnreadChangeEvent,
  ChatWidget,
} from '@parley/widget';

type ChatWidgetProps = DetailedHTMLProps<HTMLAttributes<ChatWidget>, ChatWidget> & {
  'server-url': string;
  token?: string;
  tokenProvider?: ChatWidget['tokenProvider'];
  'conversation-with'?: string;
  mode?: ChatWidget['mode'];
  theme?: ChatWidget['theme'];
  strings?: ChatWidget['strings'];
  'onchat-ready'?: (event: ChatReadyEvent) => void;
  'onchat-unread-change'?: (event: ChatUnreadChangeEvent) => void;
  'onchat-error'?: (event: ChatErrorEvent) => void;
};

declare module 'react' {
  // eslint-disable-next-line @typescript-eslint/no-namespace
  namespace JSX {
    interface IntrinsicElements {
      'chat-widget': ChatWidgetProps;
    }
  }
}
