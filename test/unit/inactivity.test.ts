/** The keep-alive client's timeout: it counts from the last byte that moved, as n8n's helper's does. */
import { InactivityTimeout } from '../../nodes/OneFlow/transport/inactivity';
import { sleep, waitFor } from '../support/wait';

describe('InactivityTimeout', () => {
	test('does not fire while bytes keep moving, however long the request takes in total', async () => {
		const timeout = new InactivityTimeout(1000);
		for (let elapsed = 0; elapsed < 2500; elapsed += 50) {
			timeout.touch();
			await sleep(50);
		}
		expect(timeout.timedOut).toBe(false);
		timeout.finish();
	});

	test('fires once nothing moved for the whole timeout, with its own reason', async () => {
		const timeout = new InactivityTimeout(200);
		timeout.touch();
		await waitFor(() => timeout.timedOut, 'the timeout');
		expect(timeout.controller.signal.reason).toEqual({
			reason: 'no bytes moved for the whole timeout',
		});
	});

	test('a finished request is never aborted', async () => {
		const timeout = new InactivityTimeout(100);
		timeout.finish();
		await sleep(400);
		expect(timeout.timedOut).toBe(false);
	});
});
