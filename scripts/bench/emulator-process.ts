/**
 * Child-process entry of the benchmark's emulator (forked by ./emulator.ts).
 * Answers prepare / stats / stop over the IPC channel; exits when the parent goes away.
 */
import { EmulatorCore, type ChildCommand, type ChildReply, type TlsNetwork } from './emulator';

function reply(message: ChildReply): void {
	process.send?.(message);
}

async function main(): Promise<void> {
	if (!process.send) throw new Error('emulator-process must be started with an IPC channel (fork)');
	// The HTTPS benchmark passes its network (certificate files, round trip) as the one argument.
	const network =
		process.argv[2] === undefined ? undefined : (JSON.parse(process.argv[2]) as TlsNetwork);
	const core = new EmulatorCore(true, network);
	const baseUrl = await core.start();
	process.on('disconnect', () => {
		void core.stop().then(() => process.exit(0));
	});
	process.on('message', (message: ChildCommand) => {
		try {
			switch (message.command) {
				case 'prepare':
					core.prepare(message.request);
					reply({ type: 'reply', id: message.id, ok: true });
					return;
				case 'stats':
					reply({ type: 'reply', id: message.id, ok: true, result: core.stats() });
					return;
				case 'stop':
					void core.stop().then(() => {
						reply({ type: 'reply', id: message.id, ok: true });
						process.disconnect();
						process.exit(0);
					});
					return;
			}
		} catch (error) {
			reply({
				type: 'reply',
				id: message.id,
				ok: false,
				error: error instanceof Error ? error.message : String(error),
			});
		}
	});
	reply({ type: 'ready', baseUrl });
}

main().catch((error: unknown) => {
	process.stderr.write(
		`emulator-process: ${error instanceof Error ? error.stack : String(error)}\n`,
	);
	process.exit(1);
});
