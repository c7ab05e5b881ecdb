#!/usr/bin/python3
"""A Modbus/TCP server nobody here wrote (Debian's python3-pymodbus), on 127.0.0.1 port 0.

Prints "listening on 127.0.0.1:PORT" once it serves; holding registers 0.. hold 10, 11, 12, ...
Runs until stdin closes (the test's end), so it never outlives the test.
"""
import asyncio
import sys

from pymodbus.datastore import ModbusSequentialDataBlock, ModbusServerContext, ModbusSlaveContext
from pymodbus.server.async_io import ModbusTcpServer


async def main():
    registers = ModbusSequentialDataBlock(0, [10 + i for i in range(100)])
    context = ModbusServerContext(slaves=ModbusSlaveContext(hr=registers, zero_mode=True), single=True)
    server = ModbusTcpServer(context, address=("127.0.0.1", 0))
    task = asyncio.ensure_future(server.serve_forever())
    await server.serving
    port = server.server.sockets[0].getsockname()[1]
    print(f"listening on 127.0.0.1:{port}", file=sys.stderr, flush=True)
    loop = asyncio.get_running_loop()
    await loop.run_in_executor(None, sys.stdin.read)
    await server.shutdown()
    task.cancel()


asyncio.run(main())
