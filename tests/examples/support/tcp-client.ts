import net from 'node:net';
import tls from 'node:tls';

export interface Exchange {
	/** Everything received, in order. */
	received: Buffer;
	/** How the connection ended: the server closed it, we stopped waiting, or an error. */
	ended: 'closed' | 'done' | 'timeout' | `error:${string}`;
	/** Our own port on the connection (0 if it never connected): what a server may report back. */
	localPort: number;
}

/**
 * Connects, sends `chunks` one write each (so a message can be split across writes), and
 * collects what comes back until `done(received)` is true, the server closes, or `timeoutMs`.
 * With `tls`, the connection is a TLS one (`tls.connect` with these options), and the chunks
 * go out once its handshake is done.
 */
export function tcpExchange(
	port: number,
	chunks: Buffer[],
	{ done = () => false, timeoutMs = 10_000, host = '127.0.0.1', endAfterSending = false, tls: tlsOptions }: {
		done?: (received: Buffer) => boolean;
		timeoutMs?: number;
		host?: string;
		endAfterSending?: boolean;
		tls?: tls.ConnectionOptions;
	} = {}
): Promise<Exchange> {
	return new Promise((resolve) => {
		const parts: Buffer[] = [];
		let settled = false;
		let localPort = 0;
		const socket = tlsOptions ? tls.connect({ ...tlsOptions, port, host }) : net.connect(port, host);
		const finish = (ended: Exchange['ended']) => {
			if (settled) return;
			settled = true;
			clearTimeout(timer);
			socket.destroy();
			resolve({ received: Buffer.concat(parts), ended, localPort });
		};
		const timer = setTimeout(() => finish('timeout'), timeoutMs);
		socket.on(tlsOptions ? 'secureConnect' : 'connect', async () => {
			localPort = socket.localPort ?? 0;
			for (const chunk of chunks) {
				if (!socket.write(chunk)) await new Promise((r) => socket.once('drain', r));
			}
			if (endAfterSending) socket.end();
		});
		socket.on('data', (chunk) => {
			parts.push(chunk);
			if (done(Buffer.concat(parts))) finish('done');
		});
		socket.on('error', (error) => finish(`error:${(error as NodeJS.ErrnoException).code ?? error.message}`));
		socket.on('close', () => finish('closed'));
	});
}

/** Splits `data` into pieces at seeded random points, so one message spans several writes. */
export function splitRandomly(data: Buffer, random: () => number, maxPieces = 4): Buffer[] {
	const cuts = Array.from({ length: Math.floor(random() * maxPieces) }, () => Math.floor(random() * data.length)).sort(
		(a, b) => a - b
	);
	const pieces: Buffer[] = [];
	let start = 0;
	for (const cut of [...cuts, data.length]) {
		if (cut > start) pieces.push(data.subarray(start, cut));
		start = Math.max(start, cut);
	}
	return pieces;
}

/** Opens a connection, sends `partial`, then resets it (RST) as a crashed or vanished client would. */
export function vanishMidMessage(port: number, partial: Buffer, host = '127.0.0.1'): Promise<void> {
	return new Promise((resolve) => {
		const socket = net.connect(port, host, () => {
			socket.write(partial, () => {
				socket.resetAndDestroy();
				resolve();
			});
		});
		socket.on('error', () => resolve());
	});
}

/**
 * Connects, reads nothing, and writes `message` again and again (at most `maxWrites` times)
 * until the server stops taking data: a write that does not drain within 500 ms. A server
 * that applies backpressure stalls; one that reads on regardless never does. Returns the
 * paused socket (resume it to read the replies) and how many messages were written.
 */
export async function writeWithoutReading(
	port: number,
	message: Buffer | string,
	maxWrites = 2048
): Promise<{ socket: net.Socket; sent: number; stalled: boolean }> {
	const socket = net.connect(port, '127.0.0.1');
	socket.on('error', () => {});
	await new Promise((resolve) => socket.once('connect', resolve));
	socket.pause();
	let sent = 0;
	let stalled = false;
	while (sent < maxWrites && !stalled) {
		sent++;
		if (!socket.write(message)) {
			stalled = !(await Promise.race([
				new Promise((r) => socket.once('drain', () => r(true))),
				new Promise((r) => setTimeout(() => r(false), 500)),
			]));
		}
	}
	return { socket, sent, stalled };
}
