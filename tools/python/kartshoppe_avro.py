#!/usr/bin/env python3
"""Reads KartShoppe's Avro topic values outside Java: Avro single-object encoding, any released
schema version, as plain JSON.

A value on every Avro topic is the bytes C3 01, the writer schema's CRC-64-AVRO fingerprint
(8 bytes, little-endian), then the Avro binary body. This module knows every released schema
(common-events/src/main/avro, with history/<Type>/v<n>.avsc), finds the writer schema by its
fingerprint and resolves the value to the current schema of that type, as the Java readers do.

Output is plain JSON: a nullable field is its value or null (not {"string": ...}), times are
epoch milliseconds as on the wire, enums their symbol, bytes base64.

    from kartshoppe_avro import Reader
    reader = Reader("common-events/src/main/avro")
    name, record = reader.decode(message.value())   # any Kafka client's value bytes

From the command line, with kcat framing each value by its size:

    kcat -C -b broker:9092 -t fraud.decisions -e -f '%S:%s' \\
        | python3 tools/python/kartshoppe_avro.py --schemas common-events/src/main/avro

prints one JSON object per value. Needs fastavro (pip install fastavro).
"""

import argparse
import base64
import glob
import io
import json
import os
import struct
import sys

import fastavro
from fastavro.schema import fingerprint, to_parsing_canonical_form

MAGIC = b"\xc3\x01"


def _without_logical_types(schema):
    """The schema with logicalType annotations removed: times stay epoch milliseconds."""
    if isinstance(schema, dict):
        return {
            k: _without_logical_types(v) for k, v in schema.items() if k != "logicalType"
        }
    if isinstance(schema, list):
        return [_without_logical_types(s) for s in schema]
    return schema


def _plain(value):
    """JSON-ready: bytes as base64, everything else as fastavro gives it."""
    if isinstance(value, (bytes, bytearray)):
        return base64.b64encode(bytes(value)).decode("ascii")
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value


class Reader:
    """Decodes single-object encoded values of every released KartShoppe schema."""

    def __init__(self, schema_dir):
        files = sorted(glob.glob(os.path.join(schema_dir, "*.avsc")))
        history = sorted(glob.glob(os.path.join(schema_dir, "history", "*", "*.avsc")))
        if not files:
            raise ValueError("no .avsc files in " + schema_dir)
        self.current = {}
        for path in files:
            schema = self._load(path)
            self.current[self._full_name(schema)] = schema
        self.writers = {}
        for path in files + history:
            schema = self._load(path)
            canonical = to_parsing_canonical_form(fastavro.parse_schema(schema))
            key = bytes.fromhex(fingerprint(canonical, "CRC-64-AVRO"))
            self.writers[key] = schema

    @staticmethod
    def _load(path):
        with open(path, encoding="utf-8") as f:
            return json.load(f)

    @staticmethod
    def _full_name(schema):
        namespace = schema.get("namespace")
        return namespace + "." + schema["name"] if namespace else schema["name"]

    def decode(self, value):
        """The value's type name and its record as a plain dict, in the current schema."""
        if len(value) < 10 or value[:2] != MAGIC:
            raise ValueError("not Avro single-object encoding (no C3 01 header)")
        key = value[2:10]
        writer = self.writers.get(key)
        if writer is None:
            raise ValueError(
                "unknown writer schema, fingerprint "
                + struct.unpack("<q", key)[0].to_bytes(8, "big", signed=True).hex()
            )
        name = self._full_name(writer)
        reader = self.current.get(name, writer)
        record = fastavro.schemaless_reader(
            io.BytesIO(value[10:]),
            fastavro.parse_schema(_without_logical_types(writer)),
            fastavro.parse_schema(_without_logical_types(reader)),
        )
        return name, _plain(record)


def _framed(stream):
    """Values framed as <size>:<bytes>, as kcat -f '%S:%s' writes them."""
    while True:
        digits = b""
        while True:
            c = stream.read(1)
            if not c:
                if digits:
                    raise ValueError("truncated input after size " + digits.decode())
                return
            if c == b":":
                break
            if c in b"\r\n" and not digits:
                continue
            digits += c
        size = int(digits)
        value = stream.read(size)
        if len(value) != size:
            raise ValueError("truncated value: %d of %d bytes" % (len(value), size))
        yield value


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--schemas", required=True, help="common-events/src/main/avro")
    args = parser.parse_args(argv)
    reader = Reader(args.schemas)
    out = sys.stdout
    for value in _framed(sys.stdin.buffer):
        name, record = reader.decode(value)
        out.write(json.dumps({"type": name, "value": record}, sort_keys=True) + "\n")
    out.flush()


if __name__ == "__main__":
    main()
