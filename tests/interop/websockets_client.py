#!/usr/bin/python3
"""Interoperability test: an independent WebSocket client (Python `websockets`, Debian's
python3-websockets) against the real advisor binary.

    websockets_client.py [ADVISOR_BINARY [SOURCE_DIR]]

Starts the binary on port 0, reads the port from its `listening on ADDR:PORT` line, then
checks: welcome, message -> reply (reply_to), ping -> pong, a protocol-level ping, bad JSON
-> error, resume by token, and that SIGTERM closes the open client with 1001 and the
process exits 0. Exits 0 when every check passes, 1 otherwise (printing the server output).
"""

import asyncio
import json
import os
import signal
import sys

import websockets

DEADLINE = 20.0  # seconds for any single step


class CheckFailed(Exception):
    pass


def check(condition, what, detail=None):
    if not condition:
        raise CheckFailed(what + ("" if detail is None else f": {detail!r}"))
    print(f"ok - {what}")


class Server:
    """The advisor process, its captured output and its port."""

    def __init__(self, binary, source_dir):
        self.binary = binary
        self.source_dir = source_dir
        self.output = []
        self.process = None
        self.port = None
        self._drains = []

    async def start(self):
        self.process = await asyncio.create_subprocess_exec(
            self.binary,
            "--address", "127.0.0.1",
            "--port", "0",
            "--web-root", os.path.join(self.source_dir, "web"),
            "--intents-dir", os.path.join(self.source_dir, "intents", "data"),
            "--knowledge-dir", os.path.join(self.source_dir, "knowledge", "data"),
            stdin=asyncio.subprocess.DEVNULL,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE,
        )
        listening = asyncio.get_running_loop().create_future()
        self._drains = [
            asyncio.create_task(self._drain(self.process.stdout, listening)),
            asyncio.create_task(self._drain(self.process.stderr, None)),
        ]
        line = await asyncio.wait_for(listening, DEADLINE)
        self.port = int(line.rsplit(":", 1)[1])

    async def _drain(self, stream, listening):
        # Keeps reading so the server never blocks on a full pipe.
        while True:
            raw = await stream.readline()
            if not raw:
                break
            line = raw.decode("utf-8", "replace").rstrip("\r\n")
            self.output.append(line)
            if listening is not None and not listening.done() and "listening on " in line:
                listening.set_result(line.split("listening on ", 1)[1].strip())
        if listening is not None and not listening.done():
            listening.set_exception(CheckFailed("advisor exited before `listening on`"))

    def url(self, session=None):
        suffix = "" if session is None else f"?session={session}"
        return f"ws://127.0.0.1:{self.port}/ws{suffix}"

    async def stop(self):
        if self.process is not None and self.process.returncode is None:
            self.process.kill()
            await self.process.wait()
        for task in self._drains:
            await task


async def receive(ws):
    frame = await asyncio.wait_for(ws.recv(), DEADLINE)
    if not isinstance(frame, str):
        raise CheckFailed(f"the server sent a binary frame: {frame!r}")
    return json.loads(frame)


async def scenario(server):
    # Welcome, then a message answered with its id.
    async with websockets.connect(server.url(), open_timeout=DEADLINE) as ws:
        welcome = await receive(ws)
        check(welcome.get("type") == "welcome", "the first frame is welcome", welcome)
        session = welcome.get("session")
        check(isinstance(session, str) and len(session) >= 22, "the session token is >= 128 bits", session)
        check(welcome.get("resumed") is False, "a new connection is not resumed", welcome)
        check(isinstance(welcome.get("suggestions"), list) and welcome["suggestions"],
              "welcome has suggestions", welcome)

        await ws.send(json.dumps({"type": "message", "text": "hello", "id": "py-1"}))
        reply = await receive(ws)
        check(reply.get("type") == "reply", "a message gets a reply", reply)
        check(reply.get("reply_to") == "py-1", "the reply names the message's id", reply)
        check(reply.get("intent") == "greeting", "hello is a greeting", reply)

        await ws.send(json.dumps({"type": "ping"}))
        check(await receive(ws) == {"type": "pong"}, "ping is answered by pong")

        pong = await ws.ping(b"interop")
        await asyncio.wait_for(pong, DEADLINE)
        check(True, "a protocol-level ping gets a protocol-level pong")

        await ws.send("this is not json")
        error = await receive(ws)
        check(error.get("type") == "error" and error.get("code") == "bad_json",
              "a frame that is not JSON gets a bad_json error", error)
        check("reply_to" in error and error["reply_to"] is None, "that error has reply_to null", error)

        await ws.send(json.dumps({"type": "message", "text": "thanks", "id": "py-2"}))
        reply = await receive(ws)
        check(reply.get("reply_to") == "py-2", "the connection still works after the error", reply)
    check(ws.close_code == 1000, "a client close is a normal close", ws.close_code)

    # Resume by token: same session, resumed true, and the conversation goes on.
    async with websockets.connect(server.url(session), open_timeout=DEADLINE) as ws:
        welcome = await receive(ws)
        check(welcome.get("type") == "welcome", "the resumed connection starts with welcome", welcome)
        check(welcome.get("resumed") is True, "the token resumes the session", welcome)
        check(welcome.get("session") == session, "the resumed session keeps its token", welcome)
        await ws.send(json.dumps({"type": "message", "text": "bye", "id": "py-3"}))
        reply = await receive(ws)
        check(reply.get("reply_to") == "py-3", "the resumed conversation answers", reply)

        # Graceful shutdown: the open client gets close code 1001, the process exits 0.
        server.process.send_signal(signal.SIGTERM)
        await asyncio.wait_for(ws.wait_closed(), DEADLINE)
        check(ws.close_code == 1001, "SIGTERM closes an open client with 1001", ws.close_code)
    code = await asyncio.wait_for(server.process.wait(), DEADLINE)
    check(code == 0, "the server exits 0 after SIGTERM", code)


async def main():
    here = os.path.dirname(os.path.abspath(__file__))
    binary = sys.argv[1] if len(sys.argv) > 1 else os.environ.get("ADVISOR_BINARY")
    source_dir = (sys.argv[2] if len(sys.argv) > 2
                  else os.environ.get("ADVISOR_SOURCE_DIR", os.path.dirname(os.path.dirname(here))))
    if not binary:
        print("usage: websockets_client.py ADVISOR_BINARY [SOURCE_DIR] (or set ADVISOR_BINARY)")
        return 2
    print(f"websockets {websockets.__version__} against {binary}")
    server = Server(binary, source_dir)
    failure = None
    try:
        await server.start()
        await scenario(server)
    except (CheckFailed, asyncio.TimeoutError, OSError, websockets.WebSocketException,
            json.JSONDecodeError) as error:
        failure = error
    finally:
        await server.stop()
    if failure is None:
        return 0
    print(f"not ok - {type(failure).__name__}: {failure}")
    print("---- advisor output ----")
    print("\n".join(server.output))
    print("---- end of advisor output ----")
    return 1


def run():
    code = asyncio.run(main())
    sys.exit(code)


if __name__ == "__main__":
    run()
