export * from './room.js';
export * from './room-chat.js';
export * from './room-events.js';
export * from './timeline.js';
