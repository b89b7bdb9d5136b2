import { quote } from '../shared/quote';

/** What the node was doing when 1Flow answered, phrased for each operation. */
export interface Action {
	/** e.g. `deleting document "x"` */
	doing: string;
	/** e.g. `delete document "x"` */
	toDo: string;
	/** e.g. `the delete of document "x"` */
	theDoing: string;
	/** What a 400 rejected, e.g. `document ID "x"`, and what to check then. */
	rejected: string;
	badRequestHint: string;
	notFound: { message: string; hint: string };
	/** The state 1Flow may be left in when no answer came, e.g. `the document may or may not be deleted`. */
	unknownOutcome: string;
	/** What to do then, e.g. `run the workflow again: …`. */
	runAgain: string;
	/** After a 5xx: what it may mean, and what to do. */
	serverError: { consequence: string; hint: string };
	/** After a 2xx that does not confirm the action. */
	unconfirmed: string;
	/** e.g. `Document "x" was not deleted`, and the words for "No request was sent for this document". */
	notDone: string;
	noun: string;
	verb: string;
}

/** An operation's words for the run's summary and stop message, and (`about`) for one request. */
export interface OperationTexts {
	/** e.g. `delete`, `document`, `deleted` */
	operation: string;
	noun: string;
	past: string;
	about(subject: string): Action;
}

function deleteAction(docId: string): Action {
	const quoted = quote(docId);
	return {
		doing: `deleting document ${quoted}`,
		toDo: `delete document ${quoted}`,
		theDoing: `the delete of document ${quoted}`,
		rejected: `document ID ${quoted}`,
		badRequestHint: 'Check that "Document ID" holds a 1Flow document ID.',
		notFound: {
			message: `Document ${quoted} was not found in 1Flow, or the webhook ID is wrong`,
			hint: '1Flow gives this answer both for a document that does not exist (or was already deleted) and for an unknown webhook ID: check the document ID and Webhook ID in the 1Flow API credential. To count missing documents as deleted, turn on the option "Treat Not Found as Deleted".',
		},
		unknownOutcome: 'the document may or may not be deleted',
		runAgain: 'run the workflow again: an already deleted document is answered with 404',
		serverError: {
			consequence: 'so the document may not be deleted',
			hint: 'Run the workflow again later; deleting an already deleted document is answered with 404.',
		},
		unconfirmed: 'so the document is not reported deleted. Check in 1Flow whether it still exists.',
		notDone: `Document ${quoted} was not deleted`,
		noun: 'document',
		verb: 'delete',
	};
}

function getAction(docId: string): Action {
	const quoted = quote(docId);
	return {
		doing: `reading document ${quoted}`,
		toDo: `read document ${quoted}`,
		theDoing: `the reading of document ${quoted}`,
		rejected: `document ID ${quoted}`,
		badRequestHint: 'Check that "Document ID" holds a 1Flow document ID.',
		notFound: {
			message: `Document ${quoted} was not found in 1Flow, or the webhook ID is wrong`,
			hint: '1Flow gives this answer both for a document that does not exist (or was deleted) and for an unknown webhook ID: check the document ID and Webhook ID in the 1Flow API credential.',
		},
		unknownOutcome: 'nothing was changed in 1Flow',
		runAgain: 'run the workflow again',
		serverError: {
			consequence: 'and did not send the document',
			hint: 'Run the workflow again later.',
		},
		unconfirmed: 'so the node cannot read the document. Run the workflow again later.',
		notDone: `Document ${quoted} was not read`,
		noun: 'document',
		verb: 'read',
	};
}

/** `subject` is the file name, or the URL 1Flow was asked to fetch. */
function uploadAction(subject: string): Action {
	const quoted = quote(subject);
	const checkFirst =
		'check in 1Flow whether the document exists before uploading the file again, or it may exist twice';
	return {
		doing: `uploading file ${quoted}`,
		toDo: `upload file ${quoted}`,
		theDoing: `the upload of file ${quoted}`,
		rejected: `file ${quoted}`,
		badRequestHint:
			'1Flow answers 400 for missing or invalid file data, a file type it does not support, or a content type it cannot tell: check the file, or set "File Name" and "Content Type" in the options.',
		notFound: {
			message: 'The webhook ID was not found in 1Flow',
			hint: 'Check Webhook ID and Base URL in the 1Flow API credential.',
		},
		unknownOutcome: 'the document may have been created in 1Flow all the same',
		runAgain: checkFirst,
		serverError: {
			consequence: 'so the document may or may not have been created',
			hint: `The node does not retry an upload 1Flow may have taken, so no document is ever created twice: ${checkFirst}.`,
		},
		unconfirmed: 'so the upload is not reported done. Check in 1Flow whether the document exists.',
		notDone: `File ${quoted} was not uploaded`,
		noun: 'file',
		verb: 'upload',
	};
}

export const DELETE: OperationTexts = {
	operation: 'delete',
	noun: 'document',
	past: 'deleted',
	about: deleteAction,
};
export const GET: OperationTexts = {
	operation: 'get',
	noun: 'document',
	past: 'read',
	about: getAction,
};
export const UPLOAD: OperationTexts = {
	operation: 'upload',
	noun: 'file',
	past: 'uploaded',
	about: uploadAction,
};
