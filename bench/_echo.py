"""A bare pyzmq ROUTER that echoes every message back: the baseline the benchmarks compare to.

Usage: _echo.py  (prints the bound endpoint, then echoes until killed)
"""

from __future__ import annotations

import zmq


def main() -> None:
    context = zmq.Context()
    router = context.socket(zmq.ROUTER)
    router.setsockopt(zmq.ROUTER_MANDATORY, 1)
    router.setsockopt(zmq.SNDHWM, 100_000)
    router.setsockopt(zmq.RCVHWM, 100_000)
    router.bind("tcp://127.0.0.1:*")
    print(router.getsockopt_string(zmq.LAST_ENDPOINT), flush=True)
    while True:
        router.send_multipart(router.recv_multipart())


if __name__ == "__main__":
    main()
