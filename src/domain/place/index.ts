export * from './place.js';
export * from './place-commands.js';
export * from './place-decider.js';
export * from './place-events.js';
