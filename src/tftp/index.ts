// TFTP module re-exports: codec, policies and the server adapter.
export * from './packet.js';
export * from './negotiate.js';
export * from './netascii.js';
export * from './session.js';
export * from './paths.js';
export * from './admission.js';
export { FileSource, bufferSource, type VirtualFiles, type OpenResult } from './file-source.js';
export { startTftpServer, type TftpServer, type TftpServerOptions } from './server.js';
