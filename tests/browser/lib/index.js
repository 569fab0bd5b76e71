// Everything a flow file needs, from one place.
export * from './server.js';
export * from './browser.js';
export * from './api.js';
export * from './i18n.js';
export * from './suite.js';
