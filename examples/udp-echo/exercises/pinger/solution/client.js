// @ts-check
/**
 * UDP echo client: sends three datagrams back to back, without waiting, and checks that three
 * separate datagrams come back, each with its own boundaries. Over TCP the same three writes
 * could arrive as one read ("onetwo twothree three three"); over UDP they cannot.
 *
 * UDP does not resend lost datagrams, so this client does it itself: it waits up to 1 s for
 * the replies and sends again every datagram whose reply is missing, at most 3 tries in all.
 * Reliability is the application's job with UDP.
 *
 * The same calls in Python:
 *   dgram.createSocket('udp4')      sock = socket.socket(AF_INET, SOCK_DGRAM)
 *   socket.send(msg, port, host)    sock.sendto(data, (host, port))   (no connect() needed)
 *   'message' event (msg, rinfo)    data, addr = sock.recvfrom(65535), with sock.settimeout(1)
 *   socket.close()                  sock.close()
 *
 * Run: node client.js [--host 127.0.0.1] [--port 7008] [message ...]
 *  or: node client.js --ping N [--timeout MS]   (a pinger: N pings, each waiting MS ms at most)
 */
import dgram from 'node:dgram';
import { parseArgs } from 'node:util';

const REPLY_TIMEOUT_MS = 1000;
const MAX_TRIES = 3;

const { values, positionals } = parseArgs({
	allowPositionals: true,
	options: {
		host: { type: 'string', default: '127.0.0.1' },
		port: { type: 'string', default: '7008' },
		ping: { type: 'string' },
		timeout: { type: 'string', default: '1000' },
	},
});
const host = String(values.host);
const port = Number(values.port);
const messages = positionals.length > 0 ? positionals : ['one', 'two two', 'three three three'];

/** @typedef {{ bytes: Buffer, tries: number, back: boolean }} Datagram */
/** @type {Datagram[]} */
const datagrams = messages.map((text) => ({ bytes: Buffer.from(text, 'utf8'), tries: 0, back: false }));

/** "1 datagram", "3 datagrams". @param {number} n */
const datagramCount = (n) => (n === 1 ? '1 datagram' : `${n} datagrams`);

/** Shows a datagram's bytes as text, shortened if long. @param {Buffer} bytes */
const show = (bytes) => {
	const text = bytes.toString('utf8');
	return JSON.stringify(text.length > 60 ? `${text.slice(0, 60)}...` : text);
};

if (values.ping !== undefined) {
	await ping(Number(values.ping), Number(values.timeout));
	process.exit(0);
}

/**
 * The pinger: sends `count` pings, one at a time. Each is one datagram "ping N" (N counts from
 * 1) and waits at most `timeoutMs` for its echo before the next one goes.
 * @param {number} count
 * @param {number} timeoutMs
 */
async function ping(count, timeoutMs) {
	const socket = dgram.createSocket('udp4');
	socket.on('error', (error) => console.error(`client: ${error.message}`));
	/** Called with every datagram that arrives; each ping sets its own. @type {(message: Buffer) => void} */
	let onReply = () => {};
	socket.on('message', (message) => onReply(message));
	/** @type {number[]} */
	const rtts = [];
	for (let seq = 1; seq <= count; seq++) {
		const expected = `ping ${seq}`;
		const start = performance.now();
		/** @type {number | undefined} the round-trip time in ms, or undefined if the timeout came first */
		const rtt = await new Promise((resolve) => {
			const timer = setTimeout(() => resolve(undefined), timeoutMs);
			onReply = (message) => {
				// A late echo of an earlier ping may arrive now: the sequence number tells them apart.
				if (message.toString('utf8') !== expected) {
					console.log(`client: ignoring a late or unknown reply: ${show(message)}`);
					return;
				}
				clearTimeout(timer);
				resolve(performance.now() - start);
			};
			socket.send(expected, port, host);
		});
		if (rtt === undefined) {
			console.log(`client: ping ${seq}: no reply within ${timeoutMs} ms`);
		} else {
			rtts.push(rtt);
			console.log(`client: ping ${seq}: reply in ${rtt.toFixed(3)} ms`);
		}
	}
	socket.close();
	const lost = count - rtts.length;
	console.log(`client: ${count} pings sent, ${rtts.length} replies, ${lost} lost (${Math.round((100 * lost) / count)}% loss)`);
	if (rtts.length > 0) {
		const average = rtts.reduce((sum, rtt) => sum + rtt, 0) / rtts.length;
		const times = [Math.min(...rtts), average, Math.max(...rtts)].map((ms) => ms.toFixed(3));
		console.log(`client: round-trip min/avg/max = ${times.join('/')} ms`);
	}
}

const socket = dgram.createSocket('udp4');
/** Called when the last missing reply arrives, to stop waiting early. */
let allBack = () => {};
/** Datagrams received, whatever they held: if none, maybe nobody is listening. */
let heard = 0;

socket.on('message', (message, sender) => {
	heard += 1;
	const from = `${sender.address}:${sender.port}`;
	// The echo of a datagram is the same bytes, so that is how we find which one came back.
	const datagram = datagrams.find((d) => !d.back && d.bytes.equals(message));
	if (datagram) {
		datagram.back = true;
		console.log(`client: received one datagram of ${message.length} bytes from ${from}: ${show(message)}`);
		if (datagrams.every((d) => d.back)) allBack();
	} else if (datagrams.some((d) => d.bytes.equals(message))) {
		console.log(`client: received ${show(message)} again: a late reply to a datagram we sent twice, ignoring it`);
	} else {
		console.log(`client: received ${message.length} bytes from ${from} that we did not send: ${show(message)}`);
	}
});

socket.on('error', (error) => {
	console.error(`client: ${error.message}`);
	process.exitCode = 1;
});

/** @param {Datagram} datagram */
function send(datagram) {
	datagram.tries += 1;
	const again = datagram.tries > 1 ? ` again (try ${datagram.tries} of ${MAX_TRIES})` : '';
	// No connect() first: every datagram carries its destination address.
	socket.send(datagram.bytes, port, host, (error) => {
		if (error) console.error(`client: could not send ${show(datagram.bytes)}: ${error.message}`);
		else console.log(`client: sent ${datagram.bytes.length} bytes${again}: ${show(datagram.bytes)}`);
	});
}

/** Resolves when every reply is back or after `ms`, whichever comes first. @param {number} ms */
function waitForReplies(ms) {
	return new Promise((resolve) => {
		const timer = setTimeout(resolve, ms);
		allBack = () => {
			clearTimeout(timer);
			resolve(undefined);
		};
	});
}

console.log(`client: no connection to set up, sending ${datagramCount(datagrams.length)} straight to ${host}:${port}`);
for (let round = 1; round <= MAX_TRIES; round++) {
	const missing = datagrams.filter((d) => !d.back);
	if (missing.length === 0) break;
	if (round > 1) {
		console.log(`client: no reply within ${REPLY_TIMEOUT_MS / 1000} s to ${datagramCount(missing.length)} (lost on the way, or nobody is listening), sending again`);
	}
	for (const datagram of missing) send(datagram); // back to back, without waiting for replies
	await waitForReplies(REPLY_TIMEOUT_MS);
}
socket.close();

const back = datagrams.filter((d) => d.back).length;
const resent = datagrams.filter((d) => d.tries > 1).length;
const sent = `${datagramCount(datagrams.length)} sent${resent > 0 ? ` (${resent} resent)` : ''}`;
if (back === datagrams.length) {
	console.log(`client: ${sent}, ${back} came back, each with its own boundaries`);
} else if (heard === 0) {
	console.error(`client: no reply from ${host}:${port} after ${MAX_TRIES} tries. Maybe nothing is listening there (UDP cannot tell): start the server first: node server.js`);
	process.exitCode = 1;
} else {
	console.error(`client: ${sent}, only ${back} came back after ${MAX_TRIES} tries`);
	process.exitCode = 1;
}
