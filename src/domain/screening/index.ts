export * from './screening-commands.js';
export * from './screening-decide.js';
export * from './screening-decider.js';
export * from './screening-events.js';
export * from './screening-state.js';
