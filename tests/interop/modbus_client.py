#!/usr/bin/python3
"""Reads holding registers with pymodbus (a Modbus/TCP client nobody here wrote) and prints them as JSON.

Usage: modbus_client.py PORT ADDRESS COUNT UNIT   →   {"registers": [42, 43]}  or  {"error": "..."}
"""
import json
import sys

from pymodbus.client import ModbusTcpClient

port, address, count, unit = (int(a) for a in sys.argv[1:5])
client = ModbusTcpClient("127.0.0.1", port=port, timeout=5)
if not client.connect():
    print(json.dumps({"error": "cannot connect"}))
    sys.exit(1)
# pymodbus 3.0 names the unit "slave", older releases "unit".
arguments = client.read_holding_registers.__code__.co_varnames
reply = client.read_holding_registers(address, count, **({"slave": unit} if "slave" in arguments else {"unit": unit}))
client.close()
if reply.isError():
    print(json.dumps({"error": str(reply)}))
    sys.exit(1)
print(json.dumps({"registers": list(reply.registers)}))
