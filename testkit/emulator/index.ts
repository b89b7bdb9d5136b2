/** The 1Flow emulator: what tests, the demo, dev and the benchmark use of it. */
export { OneFlowEmulator, type EmulatorOptions } from './emulator';
export { DEMO_SIGNING_SECRET, DEMO_WEBHOOK, demoDocIds } from './demo';
export {
	DEFAULT_PROCESSING,
	type ExtractionStatus,
	type ProcessingConfig,
	type ReceivedFile,
} from './documents';
export { MAX_BODY_BYTES, type RecordedRequest } from './exchange';
export { mulberry32, type FaultAction, type FaultConfig, type ScriptedRequest } from './faults';
export { sampleFile } from './routes/samples';
export type { IndexedEvent, SeedOptions, UploadRecord } from './store';
export { FILE_FIELD, MAX_UPLOAD_BYTES } from './upload-body';
export {
	CALLBACK_KINDS,
	SIGNATURE_FORMS,
	CallbackSender,
	formName,
	signatureOf,
	type CallbackConfig,
	type CallbackKind,
	type CallbackRequest,
	type SentCallback,
	type SignatureForm,
} from './callbacks';
export {
	documentReadyBody,
	sampleDocument,
	type CallbackBody,
	type DocumentView,
} from './callback-body';
