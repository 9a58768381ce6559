// @ts-check
/**
 * A peer in a ring. Every peer is a server AND a client: it listens for messages from the
 * peer before it, and it connects to the peer after it ("next") to pass each message on.
 * There is no central server: take any peer away and only the ring through it breaks.
 *
 * You steer a peer by typing commands (one per line) into it:
 *   next HOST:PORT   pass messages on to the peer listening there
 *   send TEXT        start a message around the ring
 *   help             list the commands
 *
 * On the wire: one JSON object per line (README.md lists every byte).
 *   {"type":"message","id":"A-1","origin":"A","text":"hello","path":["A"]}
 *   {"type":"ack","id":"A-1"}                the receiver's answer on the same connection
 *
 * The same calls in Python:
 *   net.createServer(), listen()     srv = socket.socket(); srv.bind((host, port)); srv.listen()
 *   'connection' event               conn, addr = srv.accept()   (one thread per connection)
 *   net.connect(port, host)          out = socket.create_connection((host, port), timeout=5)
 *   JSON.stringify(m) + "\n"         (json.dumps(m, separators=(",", ":"), ensure_ascii=False) + "\n").encode()
 *   readline on process.stdin        for line in sys.stdin:   (in a thread of its own)
 *
 * Run: node peer.js --name A [--host 127.0.0.1] [--port 7012]   (port 0 = any free port)
 */
import net from 'node:net';
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';

/** A line may be at most 1 MiB; a longer one is refused so one peer cannot fill our memory. */
const MAX_LINE_BYTES = 1024 * 1024;
/** A connection that sends nothing for this long is closed. */
const IDLE_TIMEOUT_MS = 30_000;
/** How long we wait for the next peer's ack before we give up and keep the message. */
const ACK_TIMEOUT_MS = 5000;
/** A message that made this many hops without coming home is dropped (like IP's TTL). */
const MAX_HOPS = 16;
/** At most this many messages wait here for a next peer; beyond that the oldest is dropped. */
const MAX_KEPT = 100;
const NAME = /^[A-Za-z0-9]{1,32}$/;
const ID = /^[A-Za-z0-9._:-]{1,100}$/;

const { values } = parseArgs({
	options: {
		name: { type: 'string' },
		host: { type: 'string', default: '127.0.0.1' },
		port: { type: 'string', default: '7012' },
	},
});
if (values.name === undefined || !NAME.test(values.name)) {
	console.error('peer: give every peer a name of 1 to 32 letters or digits, e.g. node peer.js --name A');
	process.exit(1);
}
const me = values.name;
/** @param {string} text */
const say = (text) => console.log(`peer ${me}: ${text}`);

/** @typedef {{ type: 'message', id: string, origin: string, text: string, path: string[] }} Message */
/** @typedef {{ host: string, port: number }} Address */

/** The peer we pass messages to, set by the "next" command. @type {Address | undefined} */
let next;
/** Messages waiting for a next peer. @type {Message[]} */
const kept = [];
let messagesSent = 0;
/** The ids of the messages we have received, to notice one that comes again. @type {Set<string>} */
const seen = new Set();

// ---- The server side: other peers connect to us and hand us messages. ----

const server = net.createServer((socket) => {
	const from = `${socket.remoteAddress}:${socket.remotePort}`;
	/** @param {object} reply */
	const answer = (reply) => socket.write(`${JSON.stringify(reply)}\n`);

	socket.setTimeout(IDLE_TIMEOUT_MS, () => {
		say(`${from} sent nothing for ${IDLE_TIMEOUT_MS / 1000} s, closing`);
		socket.destroy();
	});
	// Without this handler, a peer that vanishes (ECONNRESET) would crash this one.
	socket.on('error', (error) => say(`connection from ${from} failed: ${error.message}`));

	readLines(
		socket,
		(line) => {
			const checked = checkMessage(line);
			if (checked === undefined) return; // a blank line: nothing to do
			if (typeof checked === 'string') {
				say(`${from} sent a bad line: ${checked}`);
				answer({ type: 'error', message: checked });
			} else {
				answer({ type: 'ack', id: checked.id }); // "got it": from now on it is our job
				handle(checked);
			}
			// If the sender does not read our answers, stop reading until they have gone out.
			if (socket.writableNeedDrain) {
				socket.pause();
				socket.once('drain', () => socket.resume());
			}
		},
		() => {
			say(`${from} sent a line over ${MAX_LINE_BYTES} bytes, closing`);
			answer({ type: 'error', message: `line longer than ${MAX_LINE_BYTES} bytes, closing` });
			socket.end();
			// Give the sender a moment to read the error, then drop the connection.
			setTimeout(() => socket.destroy(), 2000).unref();
		}
	);
});

const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/**
 * Checks one received line. Returns the message, an error text for the sender, or
 * undefined for a blank line.
 * @param {Buffer} line the bytes before "\n"
 * @returns {Message | string | undefined}
 */
function checkMessage(line) {
	/** @type {any} */
	let data;
	try {
		const text = utf8.decode(line); // bytes that are not UTF-8 are not JSON either
		if (/^[ \t\r]*$/.test(text)) return undefined;
		data = JSON.parse(text);
	} catch {
		return 'not valid JSON';
	}
	if (typeof data !== 'object' || data === null || Array.isArray(data) || data.type !== 'message') {
		return 'expected a JSON object with "type":"message"';
	}
	const { id, origin, text, path } = data;
	if (typeof id !== 'string' || !ID.test(id)) return '"id" must be 1 to 100 letters, digits or . _ : -';
	if (typeof origin !== 'string' || !NAME.test(origin)) return '"origin" must be a peer name: 1 to 32 letters or digits';
	if (typeof text !== 'string') return '"text" must be a string';
	const names = Array.isArray(path) && path.length >= 1 && path.length <= MAX_HOPS && path.every((n) => typeof n === 'string' && NAME.test(n));
	if (!names || path[0] !== origin) return `"path" must be a list of 1 to ${MAX_HOPS} peer names, starting with the origin`;
	// Rebuild it, so that we pass on exactly these members, in this order, and nothing else.
	return { type: 'message', id, origin, text, path: [...path] };
}

/** What we do with a message once we have acknowledged it. @param {Message} message */
function handle(message) {
	if (seen.has(message.id)) {
		say(`already saw ${message.id}, not passing it on again`);
		return;
	}
	seen.add(message.id);
	message.path.push(me);
	const hops = message.path.length - 1;
	if (message.origin === me) {
		say(`my message came back: ${message.path.join(' -> ')} (${hops} ${hops === 1 ? 'hop' : 'hops'})`);
	} else if (hops >= MAX_HOPS) {
		say(`dropping ${message.id} from ${message.origin}: ${hops} hops and still not home (is ${message.origin} in the ring?)`);
	} else if (next === undefined) {
		keep(message, `got ${show(message.text)} from ${message.origin}, but I have no next peer`);
	} else {
		say(`got ${show(message.text)} from ${message.origin}, passing it to ${next.host}:${next.port}`);
		passOn(message, next);
	}
}

/** @param {Message} message @param {string} why */
function keep(message, why) {
	if (kept.length >= MAX_KEPT) say(`already keeping ${MAX_KEPT} messages: dropping the oldest, ${kept.shift()?.id}`);
	kept.push(message);
	say(`${why}: keeping it (${kept.length} kept). Type: next HOST:PORT`);
}

// ---- The client side: we connect to the next peer, send one message, wait for its ack. ----

/** @param {Message} message @param {Address} to */
function passOn(message, to) {
	const address = `${to.host}:${to.port}`;
	const line = `${JSON.stringify(message)}\n`;
	const socket = net.connect(to.port, to.host);
	let finished = false;
	/** @param {string} [problem] why it failed; none if the ack came */
	const finish = (problem) => {
		if (finished) return;
		finished = true;
		if (problem === undefined) {
			say(`${address} acknowledged ${message.id}, closing that connection`);
			socket.end();
		} else {
			socket.destroy();
			keep(message, `could not pass ${message.id} to ${address}: ${problem}`);
		}
	};

	socket.setTimeout(ACK_TIMEOUT_MS, () => finish(`no ack within ${ACK_TIMEOUT_MS / 1000} s`));
	socket.on('connect', () => {
		socket.write(line);
		say(`sent ${Buffer.byteLength(line)} bytes to ${address} from my port ${socket.localPort}: ${cut(line.trimEnd())}`);
	});
	readLines(
		socket,
		(reply) => {
			/** @type {any} */
			let data;
			try {
				data = JSON.parse(reply.toString('utf8'));
			} catch {
				data = undefined;
			}
			if (data?.type === 'ack' && data.id === message.id) finish();
			else finish(`it answered ${cut(reply.toString('utf8'))} instead of an ack`);
		},
		() => finish('its answer was too long')
	);
	socket.on('error', (error) => {
		const code = /** @type {NodeJS.ErrnoException} */ (error).code;
		finish(code === 'ECONNREFUSED' ? 'nothing is listening there (ECONNREFUSED)' : error.message);
	});
	socket.on('close', () => finish('it closed the connection before acknowledging'));
}

// ---- Shared by both sides: cutting the byte stream into lines. ----

/**
 * Calls `onLine` with every complete line that arrives ("\n" removed), and `onTooLong` once
 * if a line grows past MAX_LINE_BYTES; after that, whatever arrives is dropped unread.
 * @param {net.Socket} socket @param {(line: Buffer) => void} onLine @param {() => void} onTooLong
 */
function readLines(socket, onLine, onTooLong) {
	let pending = Buffer.alloc(0);
	let tooLong = false;
	socket.on('data', (chunk) => {
		if (tooLong) return;
		pending = Buffer.concat([pending, chunk]);
		let newline;
		while ((newline = pending.indexOf(0x0a)) !== -1 && newline <= MAX_LINE_BYTES) {
			const line = pending.subarray(0, newline);
			pending = pending.subarray(newline + 1);
			onLine(line);
		}
		if (pending.length > MAX_LINE_BYTES) {
			tooLong = true;
			pending = Buffer.alloc(0);
			onTooLong();
		}
	});
}

/** A short picture of a text for the log: quoted and escaped like JSON, cut after 50 characters. */
/** @param {string} text */
function show(text) {
	return text.length > 50 ? `${JSON.stringify(text.slice(0, 50))}...` : JSON.stringify(text);
}

/** A received or sent line for the log, cut after 150 characters. */
/** @param {string} line */
function cut(line) {
	return line.length > 150 ? `${line.slice(0, 150)}...` : line;
}

// ---- Commands typed into this peer (from the keyboard, or from start.js). ----

/** @param {string} input */
function command(input) {
	const [word = '', ...rest] = input.trim().split(' ');
	const argument = rest.join(' ').trim();
	if (word === '') return;
	if (word === 'help') {
		say('next HOST:PORT   pass messages on to the peer listening there');
		say('send TEXT        start TEXT on a trip around the ring');
		say('help             show these commands');
	} else if (word === 'next') {
		const match = /^\[?([^\s\]]+)\]?:(\d{1,5})$/.exec(argument);
		const port = Number(match?.[2]);
		if (!match || port < 1 || port > 65535) {
			say(`"next" needs an address like 127.0.0.1:7112, not "${argument}"`);
			return;
		}
		next = { host: String(match[1]), port };
		say(`my next peer is now ${next.host}:${port}`);
		// Try again with every message that was waiting for a next peer.
		for (const message of kept.splice(0)) passOn(message, next);
	} else if (word === 'send' && argument === '') {
		say('"send" needs some text, like: send hello');
	} else if (word === 'send') {
		messagesSent += 1;
		/** @type {Message} */
		const message = { type: 'message', id: `${me}-${messagesSent}`, origin: me, text: argument, path: [me] };
		if (next === undefined) {
			keep(message, `I have no next peer to send ${message.id} to`);
		} else {
			say(`sending ${show(argument)} as ${message.id} to ${next.host}:${next.port}`);
			passOn(message, next);
		}
	} else {
		say(`unknown command "${word}"; type help`);
	}
}

server.on('error', (error) => {
	if (/** @type {NodeJS.ErrnoException} */ (error).code === 'EADDRINUSE') {
		console.error(`peer ${me}: port ${values.port} on ${values.host} is already in use. Stop the other program or choose another port: node peer.js --name ${me} --port 0`);
	} else {
		console.error(`peer ${me}: ${error.message}`);
	}
	process.exit(1);
});

server.listen(Number(values.port), values.host, () => {
	const address = /** @type {net.AddressInfo} */ (server.address());
	say(`listening on ${address.address}:${address.port}`);
	say('type "help" for commands');
	createInterface({ input: process.stdin }).on('line', command);
});

for (const signal of /** @type {const} */ (['SIGINT', 'SIGTERM'])) {
	process.on(signal, () => {
		say(kept.length > 0 ? `stopping (${kept.length} kept ${kept.length === 1 ? 'message is' : 'messages are'} lost)` : 'stopping');
		server.close();
		process.exit(0);
	});
}
