import dgram from 'node:dgram';

export interface UdpExchange {
	/** For each datagram sent, the reply accepted for it, or undefined if none came after every try. */
	replies: (Buffer | undefined)[];
	/** How many datagrams were sent again because their reply was late or lost. */
	resends: number;
	/** Replies that repeated an earlier datagram's (a late reply to a datagram sent twice); skipped. */
	duplicates: number;
}

/**
 * Opens its own UDP socket on 127.0.0.1 and sends `datagrams` one after another: send one,
 * wait up to `timeoutMs` for a datagram from the server's port, send it again at most
 * `retries` times, then go on to the next. A reply equal to an earlier datagram (already
 * answered) is a late duplicate and is skipped, so give each datagram distinct bytes.
 */
export async function udpExchange(
	port: number,
	datagrams: Buffer[],
	{ host = '127.0.0.1', timeoutMs = 1000, retries = 2 }: { host?: string; timeoutMs?: number; retries?: number } = {}
): Promise<UdpExchange> {
	const socket = dgram.createSocket('udp4');
	const inbox: Buffer[] = [];
	let wake: (() => void) | undefined;
	socket.on('message', (message, sender) => {
		if (sender.port !== port) return;
		inbox.push(message);
		wake?.();
	});
	socket.on('error', () => {});
	await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));

	const next = (ms: number) =>
		new Promise<Buffer | undefined>((resolve) => {
			if (inbox.length > 0) return resolve(inbox.shift());
			const timer = setTimeout(() => {
				wake = undefined;
				resolve(undefined);
			}, Math.max(0, ms));
			wake = () => {
				clearTimeout(timer);
				wake = undefined;
				resolve(inbox.shift());
			};
		});

	const result: UdpExchange = { replies: [], resends: 0, duplicates: 0 };
	for (const [index, datagram] of datagrams.entries()) {
		let reply: Buffer | undefined;
		for (let attempt = 0; attempt <= retries && reply === undefined; attempt++) {
			if (attempt > 0) result.resends += 1;
			socket.send(datagram, port, host, () => {});
			const deadline = Date.now() + timeoutMs;
			while (reply === undefined) {
				const message = await next(deadline - Date.now());
				if (message === undefined) break;
				if (datagrams.slice(0, index).some((earlier) => earlier.equals(message))) result.duplicates += 1;
				else reply = message;
			}
		}
		result.replies.push(reply);
	}
	socket.close();
	return result;
}

/** Sends one datagram from a new socket and closes that socket as soon as it is sent. */
export function udpSendAndClose(port: number, datagram: Buffer, host = '127.0.0.1'): Promise<void> {
	return new Promise((resolve) => {
		const socket = dgram.createSocket('udp4');
		socket.on('error', () => {});
		socket.send(datagram, port, host, () => {
			socket.close();
			resolve();
		});
	});
}
