/** Every endpoint the emulator serves; a new endpoint is one more module in this list. */
import { callbackSettings, sendCallback } from './callbacks';
import { deleteDocument } from './delete';
import { getDocument } from './get';
import type { Route } from './route';
import { samples } from './samples';
import { uploadDocument } from './upload';

export const ROUTES: readonly Route[] = [
	uploadDocument,
	getDocument,
	deleteDocument,
	samples,
	callbackSettings,
	sendCallback,
];
