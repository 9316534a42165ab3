export * from './following.js';
export * from './library.js';
