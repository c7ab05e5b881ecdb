#!/usr/bin/env python3
"""Plain asyncio TCP server, the reference peer of bench/run-all (stdlib only).

  py_server.py --mode hold    read and discard until the client closes (connections held)
  py_server.py --mode close   read once, then close (accept + close rate)

Binds 127.0.0.1 port 0 (or --port), prints `listening on 127.0.0.1:PORT` on stderr, and on SIGINT
or SIGTERM prints {"event":"summary","accepted":N,"bytes_received":B} on stdout and exits 0.
The listen backlog is 1024 (--backlog), the same as Socketeer's tcp-server, rather than asyncio's
default 100: with 100, a client connecting back to back overflows the accept queue and every
dropped SYN costs it a 1 s retransmission, which would measure the queue, not the server.
"""

import argparse
import asyncio
import json
import resource
import signal
import sys

stats = {"accepted": 0, "bytes_received": 0}


class Hold(asyncio.Protocol):
    def connection_made(self, transport):
        stats["accepted"] += 1

    def data_received(self, data):
        stats["bytes_received"] += len(data)


class ReadThenClose(asyncio.Protocol):
    def connection_made(self, transport):
        stats["accepted"] += 1
        self.transport = transport

    def data_received(self, data):
        stats["bytes_received"] += len(data)
        self.transport.close()

    def eof_received(self):
        self.transport.close()


async def serve(args):
    loop = asyncio.get_running_loop()
    proto = Hold if args.mode == "hold" else ReadThenClose
    server = await loop.create_server(proto, args.bind, args.port, backlog=args.backlog)
    port = server.sockets[0].getsockname()[1]
    sys.stderr.write("listening on %s:%d\n" % (args.bind, port))
    sys.stderr.flush()
    done = asyncio.Event()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, done.set)
    await done.wait()
    server.close()
    print(json.dumps(dict(stats, event="summary")), flush=True)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--mode", choices=("hold", "close"), default="hold")
    ap.add_argument("--bind", default="127.0.0.1")
    ap.add_argument("--port", type=int, default=0)
    ap.add_argument("--backlog", type=int, default=1024,
                    help="listen backlog (default 1024, the same as Socketeer's tcp-server; asyncio's own default is 100)")
    args = ap.parse_args()
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft < hard:
        resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    asyncio.run(serve(args))


if __name__ == "__main__":
    main()
