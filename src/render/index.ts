// Re-exports of the Asterisk bundle renderer (issue 6) for the composition root.
export { renderNodeBundle, compileAsteriskTemplates, agentEndpointRow, type RenderedBundle, type BundleFile, type CompiledTemplates, type RenderOptions } from './bundle.js';
export { validateBundle, bundleFiles, type ValidationResult, type ValidationFailure, type ValidationContext } from './validate.js';
export { loadAsteriskTemplates, loadAsteriskTemplateSources, builtinTemplateDir } from './templates.js';
export { parseAgentsCsv, type CsvProblem } from './agents-csv.js';
export { parseConf, confGet, confAll, type ConfFile, type ConfSection } from './conf-parser.js';
export { sha512Crypt, cryptSalt, verifySha512Crypt } from './sha512-crypt.js';
export { agentPjsip, noTranscodePrefs, type Agent, type AgentInput } from './agent-pjsip.js';
export type { RenderInput, NodeIdentity } from './render-input.js';
