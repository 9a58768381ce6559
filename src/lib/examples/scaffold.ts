/**
 * `npm run new-example <name>`: the files of a new example folder, in the full shape
 * `readExample` accepts, and their creation without ever leaving a half-made folder.
 *
 * As scaffolded, the example is a tiny TCP line echo (Node.js pair and Python twin) that runs
 * out of the box; every place where the author puts their own protocol says `TODO`.
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { readExample } from './read-example.ts';
import { RECORDINGS_FOLDER } from './recording.ts';
import { EXAMPLE_NAME } from './schema.ts';

/** The two launchers, the same in every example folder (a test checks it). */
export interface Launchers {
	'launch.js': string;
	'python/launch.py': string;
}

/** The example every launcher is copied from. */
export const REFERENCE_EXAMPLE = 'tcp-echo';

/** The launchers of the reference example in this repository's examples/ folder. */
export function referenceLaunchers(): Launchers {
	const dir = join(import.meta.dirname, '../../../examples', REFERENCE_EXAMPLE);
	return {
		'launch.js': readFileSync(join(dir, 'launch.js'), 'utf8'),
		'python/launch.py': readFileSync(join(dir, 'python', 'launch.py'), 'utf8'),
	};
}

/** A refusal of `new-example`: one line, meant for the author, never a stack trace. */
export class ScaffoldError extends Error {
	override name = 'ScaffoldError';
}

/** Why `name` cannot be a new example's name, or undefined if it can. */
export function nameProblem(name: string | undefined): string | undefined {
	if (name === undefined || name.trim() === '') {
		return 'give the new example a name: npm run new-example <name>, e.g. npm run new-example my-example';
	}
	if (/^[._]/.test(name)) {
		return `"${name}" starts with "${name[0]}": folders starting with "_" or "." are not examples (the site skips them); start the name with a lowercase letter or digit`;
	}
	if (!EXAMPLE_NAME.test(name)) {
		return `"${name}" is not a valid example name: use lowercase letters a-z, digits and single dashes between them, e.g. my-example (it becomes the folder and the page anchor #example-<name>)`;
	}
	return undefined;
}

/** `my-example` → `My example`. */
export function titleOf(name: string): string {
	const words = name.split('-').join(' ');
	return words.charAt(0).toUpperCase() + words.slice(1);
}

/** Default port of the scaffolded server (by hand, without --port): one no example uses. */
const DEFAULT_PORT = 7020;

/** The files of a new example, path (with `/`) → content, in the order they are listed. */
export function exampleFiles(name: string, launchers: Launchers): Map<string, string> {
	const title = titleOf(name);
	const port = DEFAULT_PORT;
	return new Map([
		['README.md', readme(title)],
		['package.json', `${JSON.stringify(packageJson(name), null, 2)}\n`],
		['server.js', serverJs(title, port)],
		['client.js', clientJs(title, port)],
		['start.js', START_JS],
		['launch.js', launchers['launch.js']],
		['python/server.py', serverPy(title, port)],
		['python/client.py', clientPy(title, port)],
		['python/start.py', START_PY],
		['python/launch.py', launchers['python/launch.py']],
	]);
}

/**
 * Creates `<examplesDir>/<name>/` with {@link exampleFiles}: writes them into a hidden temporary
 * folder beside it, checks the result with `readExample`, then renames it into place, so a
 * failure leaves nothing behind. Never overwrites anything. Returns the created paths.
 */
export function createExample(
	examplesDir: string,
	name: string,
	{ displayRoot = 'examples', launchers = referenceLaunchers() }: { displayRoot?: string; launchers?: Launchers } = {}
): string[] {
	const problem = nameProblem(name);
	if (problem) throw new ScaffoldError(problem);
	if (!existsSync(examplesDir)) throw new ScaffoldError(`there is no examples folder ${displayRoot}`);
	const target = join(examplesDir, name);
	const taken = (path: string, shown: string) => {
		if (existsSync(path)) {
			throw new ScaffoldError(`${displayRoot}/${shown} already exists; nothing was changed (choose another name, or delete it first)`);
		}
	};
	taken(target, name);
	// The recorded output and socket events of an earlier example of that name.
	for (const file of [`${name}.json`, `${name}.node.events.json`, `${name}.python.events.json`]) {
		taken(join(examplesDir, RECORDINGS_FOLDER, file), `${RECORDINGS_FOLDER}/${file}`);
	}

	const files = exampleFiles(name, launchers);
	const scratch = mkdtempSync(join(examplesDir, `.new-${name}-`));
	try {
		const staged = join(scratch, name);
		for (const [path, content] of files) {
			mkdirSync(dirname(join(staged, path)), { recursive: true });
			writeFileSync(join(staged, path), content);
		}
		readExample(scratch, name); // the templates are valid, or we stop here
		taken(target, name); // still free (renaming onto an empty folder would replace it)
		renameSync(staged, target);
	} finally {
		rmSync(scratch, { recursive: true, force: true });
	}
	return [...files.keys()];
}

function packageJson(name: string) {
	return {
		name: `netcourse-${name}`,
		version: '1.0.0',
		private: true,
		description: 'TODO: one sentence about this example.',
		type: 'module',
		scripts: { start: 'node start.js', server: 'node server.js', client: 'node client.js' },
		engines: { node: '>=18' },
	};
}

function readme(title: string): string {
	return `---
title: ${title}
summary: 'TODO: one sentence: what the server does, and what the client sends and gets back.'
concepts: [socket, connect, send and recv] # TODO: the socket calls and ideas this example shows
sandbox: true # false if it cannot run in the browser sandbox; then add sandboxNote: why, in one sentence
files: [server.js, client.js, start.js]
python: [python/server.py, python/client.py, python/start.py]
---

TODO: what this example shows, and which socket calls the server and the client make (name
them as Python does: \`socket()\`, \`bind()\`, \`listen()\`, \`accept()\`, \`connect()\`).

Protocol: TODO: the bytes on the wire. As scaffolded: lines of UTF-8 text ending in \`\\n\`;
the server answers each line with the same line. A line longer than 64 KiB (65,536 bytes) is
refused with \`error: line longer than 65536 bytes, closing\` and the connection is closed.

The Python twin in \`python/\` speaks the same protocol: either client works with either server.

## Run it

- Node.js: \`npm start\` starts the server on a free port, runs the client, then stops the server.
- Python: \`python3 python/start.py\` does the same with the Python twin (on Windows:
  \`py python\\start.py\`).
- Or by hand, in two terminals: \`node server.js\` (port ${DEFAULT_PORT}), then \`node client.js\`; or
  \`python3 python/server.py\` and \`python3 python/client.py\`, in any mix.
  \`node client.js "your own text"\` sends your own lines.

## Try this

- TODO: two or three small experiments for the reader, each with a question to answer.
- Run \`node client.js\` without the server: what does the error say, and why?
`;
}

function serverJs(title: string, port: number): string {
	return `// @ts-check
/**
 * ${title}: the server. TODO: say what it does and which socket calls it shows.
 *
 * As scaffolded, a TCP line echo: every line a client sends comes straight back.
 *
 * Run: node server.js [--host 127.0.0.1] [--port ${port}]   (port 0 = any free port)
 */
import net from 'node:net';
import { parseArgs } from 'node:util';

/** A line may be at most 64 KiB; a longer one is refused so one client cannot fill our memory. */
const MAX_LINE_BYTES = 64 * 1024;

const { values } = parseArgs({
	options: {
		host: { type: 'string', default: '127.0.0.1' },
		port: { type: 'string', default: '${port}' },
	},
});

/**
 * TODO: your protocol. The reply to one request line (without its "\\n").
 * @param {string} line
 * @returns {string}
 */
function answer(line) {
	return line; // as scaffolded: echo
}

const server = net.createServer((socket) => {
	const peer = \`\${socket.remoteAddress}:\${socket.remotePort}\`;
	console.log(\`server: accepted a connection from \${peer}\`);
	/** Bytes received since the last newline. */
	let pending = Buffer.alloc(0);
	let refused = false;

	socket.on('data', (chunk) => {
		if (refused) return; // keep reading, but drop it: the client has been told to stop
		pending = Buffer.concat([pending, chunk]);
		let newline;
		while ((newline = pending.indexOf(0x0a)) !== -1) {
			const line = pending.subarray(0, newline).toString('utf8');
			pending = pending.subarray(newline + 1);
			const reply = answer(line);
			socket.write(\`\${reply}\\n\`);
			console.log(\`server: answered \${JSON.stringify(line)} with \${JSON.stringify(reply)}\`);
		}
		if (pending.length > MAX_LINE_BYTES) {
			refused = true;
			pending = Buffer.alloc(0);
			console.log(\`server: \${peer} sent a line over \${MAX_LINE_BYTES} bytes, refusing it\`);
			socket.end(\`error: line longer than \${MAX_LINE_BYTES} bytes, closing\\n\`);
			setTimeout(() => socket.destroy(), 2000).unref(); // time to read the error, then drop it
		}
	});

	socket.on('end', () => {
		socket.end();
		console.log(\`server: \${peer} closed the connection\`);
	});

	// Without this handler, a client that vanishes (ECONNRESET) would crash the whole server.
	socket.on('error', (error) => console.log(\`server: connection to \${peer} failed: \${error.message}\`));
});

server.on('error', (error) => {
	if (/** @type {NodeJS.ErrnoException} */ (error).code === 'EADDRINUSE') {
		console.error(\`server: port \${values.port} on \${values.host} is already in use. Stop the other program or choose another port: node server.js --port 0\`);
	} else {
		console.error(\`server: \${error.message}\`);
	}
	process.exit(1);
});

server.listen(Number(values.port), values.host, () => {
	const address = /** @type {net.AddressInfo} */ (server.address());
	console.log(\`server: listening on \${address.address}:\${address.port}\`);
});

for (const signal of /** @type {const} */ (['SIGINT', 'SIGTERM'])) {
	process.on(signal, () => {
		console.log('server: stopping');
		server.close();
		process.exit(0);
	});
}
`;
}

function clientJs(title: string, port: number): string {
	return `// @ts-check
/**
 * ${title}: the client. TODO: say what it sends and what it expects back.
 *
 * As scaffolded, it sends a few lines to the echo server and prints each reply.
 *
 * Run: node client.js [--host 127.0.0.1] [--port ${port}] [line ...]
 */
import net from 'node:net';
import { parseArgs } from 'node:util';

const { values, positionals } = parseArgs({
	allowPositionals: true,
	options: {
		host: { type: 'string', default: '127.0.0.1' },
		port: { type: 'string', default: '${port}' },
	},
});
// TODO: the requests your client sends.
const requests = positionals.length > 0 ? positionals : ['hello', 'one line, one reply'];

const socket = net.connect(Number(values.port), values.host);
let received = Buffer.alloc(0);
let answered = 0;

socket.on('connect', () => {
	console.log(\`client: connected to \${values.host}:\${values.port}\`);
	for (const request of requests) {
		socket.write(\`\${request}\\n\`);
		console.log(\`client: sent \${JSON.stringify(request)}\`);
	}
});

socket.on('data', (chunk) => {
	received = Buffer.concat([received, chunk]);
	let newline;
	while ((newline = received.indexOf(0x0a)) !== -1) {
		const reply = received.subarray(0, newline).toString('utf8');
		received = received.subarray(newline + 1);
		// TODO: check the reply your protocol promises.
		console.log(\`client: received \${JSON.stringify(reply)}\`);
		answered += 1;
		if (answered === requests.length) {
			console.log('client: every request was answered, closing');
			socket.end();
		}
	}
});

socket.on('error', (error) => {
	if (/** @type {NodeJS.ErrnoException} */ (error).code === 'ECONNREFUSED') {
		console.error(\`client: nothing is listening on \${values.host}:\${values.port}. Start the server first: node server.js\`);
	} else {
		console.error(\`client: \${error.message}\`);
	}
	process.exitCode = 1;
});

socket.on('close', () => {
	if (answered < requests.length && !process.exitCode) {
		console.error(\`client: the server closed the connection after \${answered} of \${requests.length} replies\`);
		process.exitCode = 1;
	}
});
`;
}

const START_JS = `// @ts-check
/** \`npm start\`: starts the server on a free port, runs the client against it, stops the server. */
import { launch, runProgram, startServer } from './launch.js';

launch(async () => {
	// TODO: start more programs here if your example has them (see examples/peer-to-peer/start.js).
	const server = await startServer('server.js', ['--port', '0']);
	return runProgram('client.js', ['--host', server.host, '--port', String(server.port)]);
});
`;

function serverPy(title: string, port: number): string {
	return `"""${title}: the server. TODO: say what it does and which socket calls it shows.

The Python twin of server.js. As scaffolded, a TCP line echo: every line a client sends
comes straight back. Each accepted connection gets its own thread.

Run: python3 server.py [--host 127.0.0.1] [--port ${port}]   (port 0 = any free port)
"""

from __future__ import annotations

import argparse
import errno
import json
import signal
import socket
import sys
import threading
import time

MAX_LINE_BYTES = 64 * 1024  # a longer line is refused, so one client cannot fill our memory

_log_lock = threading.Lock()


def log(message: str) -> None:
    """Prints one line; the lock keeps lines from several client threads whole."""
    with _log_lock:
        print(message)


def answer(line: str) -> str:
    """TODO: your protocol. The reply to one request line (without its "\\\\n")."""
    return line  # as scaffolded: echo


def serve_client(conn: socket.socket, peer: str) -> None:
    """Answers complete lines until the client closes its side."""
    log(f"server: accepted a connection from {peer}")
    pending = b""  # bytes received since the last newline
    with conn:
        try:
            while True:
                chunk = conn.recv(65536)  # b"" means the client closed its side
                if not chunk:
                    conn.shutdown(socket.SHUT_WR)
                    log(f"server: {peer} closed the connection")
                    return
                pending += chunk
                while (newline := pending.find(b"\\n")) != -1:
                    line = pending[:newline].decode("utf-8", errors="replace")
                    pending = pending[newline + 1 :]
                    reply = answer(line)
                    conn.sendall(f"{reply}\\n".encode("utf-8"))
                    log(f"server: answered {json.dumps(line, ensure_ascii=False)} "
                        f"with {json.dumps(reply, ensure_ascii=False)}")
                if len(pending) > MAX_LINE_BYTES:
                    log(f"server: {peer} sent a line over {MAX_LINE_BYTES} bytes, refusing it")
                    conn.sendall(f"error: line longer than {MAX_LINE_BYTES} bytes, closing\\n".encode())
                    refuse(conn)
                    return
        except OSError as error:  # e.g. the client vanished (ECONNRESET): this thread ends, the server goes on
            log(f"server: connection to {peer} failed: {error.strerror or error}")


def refuse(conn: socket.socket) -> None:
    """Closes our sending side, drops input for up to 2 s so the client can read the error
    (closing with unread data would send a reset instead), then closes."""
    deadline = time.monotonic() + 2
    try:
        conn.shutdown(socket.SHUT_WR)
        while (left := deadline - time.monotonic()) > 0:
            conn.settimeout(left)
            if not conn.recv(65536):
                break
    except OSError:
        pass


def main() -> None:
    parser = argparse.ArgumentParser(description="${title}: the server")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=${port})
    options = parser.parse_args()

    server = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        server.bind((options.host, options.port))
    except OSError as error:
        if error.errno == errno.EADDRINUSE:
            print(f"server: port {options.port} on {options.host} is already in use. Stop the other program "
                  f"or choose another port: python3 server.py --port 0", file=sys.stderr)
        else:
            print(f"server: {error}", file=sys.stderr)
        sys.exit(1)
    server.listen()
    host, port = server.getsockname()[:2]
    log(f"server: listening on {host}:{port}")

    def stop(signum: int, frame: object) -> None:
        log("server: stopping")
        server.close()
        sys.exit(0)

    signal.signal(signal.SIGINT, stop)
    signal.signal(signal.SIGTERM, stop)

    while True:
        conn, (peer_host, peer_port) = server.accept()
        threading.Thread(target=serve_client, args=(conn, f"{peer_host}:{peer_port}"), daemon=True).start()


if __name__ == "__main__":
    sys.stdout.reconfigure(line_buffering=True)  # each line appears at once, even in a pipe
    main()
`;
}

function clientPy(title: string, port: number): string {
	return `"""${title}: the client. TODO: say what it sends and what it expects back.

The Python twin of client.js. As scaffolded, it sends a few lines to the echo server and
prints each reply.

Run: python3 client.py [--host 127.0.0.1] [--port ${port}] [line ...]
"""

from __future__ import annotations

import argparse
import json
import socket
import sys


def main() -> int:
    parser = argparse.ArgumentParser(description="${title}: the client")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=${port})
    parser.add_argument("requests", nargs="*")
    options = parser.parse_args()
    # TODO: the requests your client sends.
    requests = options.requests or ["hello", "one line, one reply"]

    try:
        sock = socket.create_connection((options.host, options.port))
    except ConnectionRefusedError:
        print(f"client: nothing is listening on {options.host}:{options.port}. "
              f"Start the server first: python3 server.py", file=sys.stderr)
        return 1
    with sock:
        print(f"client: connected to {options.host}:{options.port}")
        for request in requests:
            sock.sendall(f"{request}\\n".encode("utf-8"))
            print(f"client: sent {json.dumps(request, ensure_ascii=False)}")

        received = b""
        answered = 0
        while answered < len(requests):
            chunk = sock.recv(65536)
            if not chunk:
                print(f"client: the server closed the connection after {answered} of {len(requests)} replies",
                      file=sys.stderr)
                return 1
            received += chunk
            while (newline := received.find(b"\\n")) != -1:
                reply = received[:newline].decode("utf-8", errors="replace")
                received = received[newline + 1 :]
                # TODO: check the reply your protocol promises.
                print(f"client: received {json.dumps(reply, ensure_ascii=False)}")
                answered += 1
        print("client: every request was answered, closing")
        sock.shutdown(socket.SHUT_WR)
    return 0


if __name__ == "__main__":
    sys.stdout.reconfigure(line_buffering=True)
    sys.exit(main())
`;
}

const START_PY = `"""\`python3 python/start.py\`: starts the server on a free port, runs the client against
it, stops the server. The Python twin of start.js."""

from launch import launch, run_program, start_server


def main() -> int:
    # TODO: start more programs here if your example has them (see start.js).
    server = start_server("server.py", ["--port", "0"])
    return run_program("client.py", ["--host", server.host, "--port", str(server.port)])


launch(main)
`;
