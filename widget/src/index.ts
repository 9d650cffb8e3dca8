export { ChatWidget } from './chat-widget/chat-widget.js';
export { ChatConversationList } from './chat-conversation-list/chat-conversation-list.js';
export { ChatConversationView } from './chat-conversation-view/chat-conversation-view.js';
export { ChatMessageList } from './chat-message-list/chat-message-list.js';
export { ChatComposer } from './chat-composer/chat-composer.js';
export { ChatContactPicker } from './chat-contact-picker/chat-contact-picker.js';
export { ChatController } from './controllers/chat-controller.js';
export type { ChatClientLike } from './controllers/chat-controller.js';
export {
  ChatReadyEvent,
  ChatMessageEvent,
  ChatUnreadChangeEvent,
  ChatErrorEvent,
  ChatStatusEvent,
} from './events.js';
export { defaultStrings, format } from './strings.js';
export type { ChatStrings } from './strings.js';
