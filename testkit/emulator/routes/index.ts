/** Every endpoint the emulator serves; a new endpoint is one more module in this list. */
import { callbackSettings, sendCallback } from './callbacks';
import { deleteDocument } from './delete';
import type { Route } from './route';

export const ROUTES: readonly Route[] = [deleteDocument, callbackSettings, sendCallback];
