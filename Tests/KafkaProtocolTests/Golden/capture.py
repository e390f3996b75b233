#!/usr/bin/env python3
"""Capture golden Kafka request/response frames from real clients.

Reproduce (from the repo root, with the conformance venv):

    ~/.cache/petrel-conformance-venv/bin/python Tests/KafkaProtocolTests/Golden/capture.py

What it does:
  * starts librdkafka's mock cluster in-process (shared/conformance/tools/mock_cluster.py, 1 broker);
  * puts a recording TCP proxy in front of it and makes the mock advertise the proxy's address, so every
    connection of every client goes through the proxy;
  * drives confluent-kafka (librdkafka 2.16), kafka-python 3.0.12, aiokafka 0.14 and kcat (librdkafka 2.0.2);
  * writes one frame per distinct (source, API, version[, variant], request|response) into this directory
    (frame = size-prefix stripped, i.e. starting at the request/response header) plus golden.json, a manifest
    with header fields and hand-checkable decoded values (decoded with kafka-python's protocol classes).

Two shims in the proxy, both marked in golden.json where they matter:
  * ApiVersions v3+: the mock only implements v0-2 and answers v3+ with a body kafka-python cannot parse.
    The proxy answers such requests itself, the way Kafka does: a v0-format body with
    UNSUPPORTED_VERSION (35) and the mock's ApiVersions range. The client then retries with a lower version.
    These synthesized responses are NOT saved as golden files.
  * Admin APIs: the mock has no CreateTopics/DeleteTopics/DescribeConfigs/... . The proxy adds them to the
    ApiVersions responses it forwards so that clients send those requests; the mock then drops the
    connection. Only the requests are golden. The ApiVersions responses saved are the mock's originals.
"""
import asyncio
import base64
import hashlib
import json
import os
import socket
import struct
import subprocess
import sys
import threading
import time
import uuid

HERE = os.path.dirname(os.path.abspath(__file__))
CONFORMANCE = os.environ.get("CONFORMANCE_DIR", "/work/shared/conformance")
sys.path.insert(0, os.path.join(CONFORMANCE, "tools"))

import mock_cluster  # noqa: E402  (librdkafka mock through ctypes)
from kafka.protocol.api_key import ApiKey  # noqa: E402
from kafka.protocol.api_message import ApiMessage  # noqa: E402
from kafka.record.memory_records import MemoryRecords  # noqa: E402

TOPIC = "golden"
ADMIN_TOPIC = "golden-admin"
# Advertised to clients in addition to what the mock supports (the mock itself rejects them).
EXTRA_APIS = {19: (0, 7), 20: (0, 6), 21: (0, 2), 32: (0, 4), 33: (0, 2), 37: (0, 3), 44: (0, 1)}
API_VERSIONS_MOCK_MAX = 2
MAX_FRAME = 64 * 1024 * 1024


# ---------------------------------------------------------------- protocol classes (kafka-python)

def _protocol_classes():
    import importlib
    import inspect
    import pkgutil
    import kafka.protocol as root
    out = {}
    for mod in pkgutil.walk_packages(root.__path__, root.__name__ + "."):
        try:
            m = importlib.import_module(mod.name)
        except Exception:  # noqa: BLE001 - optional modules
            continue
        for _, c in inspect.getmembers(m, inspect.isclass):
            if issubclass(c, ApiMessage) and c is not ApiMessage and getattr(c, "_class_version", 1) is None:
                try:
                    out[(c.API_KEY, c.type)] = c
                except Exception:  # noqa: BLE001
                    pass
    return out


CLASSES = _protocol_classes()


def api_name(key):
    try:
        return ApiKey(key).name
    except ValueError:
        return "Api%d" % key


def flexible(key, version, kind):
    cls = CLASSES.get((key, kind))
    return bool(cls and cls.flexible_version_q(version))


# ---------------------------------------------------------------- recording proxy

class Recorder:
    def __init__(self):
        self.lock = threading.Lock()
        self.frames = []  # dicts: seq, conn, kind, key, version, cid, client_id, data, note

    def add(self, **kw):
        with self.lock:
            kw["seq"] = len(self.frames)
            self.frames.append(kw)


def read_frames(sock, buf):
    """Yield complete frames (without size prefix); buf is a bytearray kept across calls."""
    data = sock.recv(65536)
    if not data:
        return None
    buf.extend(data)
    out = []
    while len(buf) >= 4:
        (n,) = struct.unpack(">i", buf[:4])
        if n < 0 or n > MAX_FRAME:
            raise ValueError("bad frame size %d" % n)
        if len(buf) < 4 + n:
            break
        out.append(bytes(buf[4:4 + n]))
        del buf[:4 + n]
    return out


def parse_request_header(frame):
    key, ver, cid = struct.unpack(">hhi", frame[:8])
    (n,) = struct.unpack(">h", frame[8:10])
    client_id = None if n < 0 else frame[10:10 + n].decode("utf-8", "replace")
    return key, ver, cid, client_id


def api_versions_error_v0(cid, lo, hi):
    # What Kafka sends for a too-new ApiVersions request: header v0, v0 body, error 35, its own range.
    body = struct.pack(">ihi", cid, 35, 1) + struct.pack(">hhh", 18, lo, hi)
    return struct.pack(">i", len(body)) + body


def add_apis_to_api_versions(frame, version):
    """frame: non-flexible ApiVersions response (v0-2) incl. header v0; returns frame with EXTRA_APIS added."""
    cid, err, n = struct.unpack(">ihi", frame[:10])
    if err != 0:
        return frame
    entries = {}
    off = 10
    for _ in range(n):
        k, lo, hi = struct.unpack(">hhh", frame[off:off + 6])
        entries[k] = (lo, hi)
        off += 6
    tail = frame[off:]  # throttle_time_ms for v1+
    for k, rng in EXTRA_APIS.items():
        entries.setdefault(k, rng)
    body = struct.pack(">ihi", cid, err, len(entries))
    body += b"".join(struct.pack(">hhh", k, lo, hi) for k, (lo, hi) in sorted(entries.items()))
    return body + tail


class Proxy:
    def __init__(self, target, recorder):
        self.target = target
        self.rec = recorder
        self.ls = socket.socket()
        self.ls.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.ls.bind(("127.0.0.1", 0))
        self.ls.listen(64)
        self.port = self.ls.getsockname()[1]
        self.conn_seq = 0
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self):
        while True:
            try:
                c, _ = self.ls.accept()
            except OSError:
                return
            self.conn_seq += 1
            threading.Thread(target=self._serve, args=(c, self.conn_seq), daemon=True).start()

    def _serve(self, client, conn):
        try:
            upstream = socket.create_connection(self.target)
        except OSError:
            client.close()
            return
        pending = {}
        lock = threading.Lock()
        send_lock = threading.Lock()

        def to_client(data):
            with send_lock:
                client.sendall(data)

        def c2s():
            buf = bytearray()
            try:
                while True:
                    frames = read_frames(client, buf)
                    if frames is None:
                        break
                    for f in frames:
                        key, ver, cid, client_id = parse_request_header(f)
                        self.rec.add(conn=conn, kind="request", key=key, version=ver, cid=cid,
                                     client_id=client_id, data=f, note=None)
                        if key == 18 and ver > API_VERSIONS_MOCK_MAX:
                            to_client(api_versions_error_v0(cid, 0, API_VERSIONS_MOCK_MAX))
                            continue
                        with lock:
                            pending[cid] = (key, ver, client_id)
                        upstream.sendall(struct.pack(">i", len(f)) + f)
            except (OSError, ValueError):
                pass
            finally:
                for s in (upstream, client):
                    try:
                        s.shutdown(socket.SHUT_RDWR)
                    except OSError:
                        pass

        def s2c():
            buf = bytearray()
            try:
                while True:
                    frames = read_frames(upstream, buf)
                    if frames is None:
                        break
                    for f in frames:
                        (cid,) = struct.unpack(">i", f[:4])
                        with lock:
                            key, ver, client_id = pending.pop(cid, (None, None, None))
                        self.rec.add(conn=conn, kind="response", key=key, version=ver, cid=cid,
                                     client_id=client_id, data=f, note=None)
                        out = f
                        if key == 18:
                            out = add_apis_to_api_versions(f, ver)
                        to_client(struct.pack(">i", len(out)) + out)
            except (OSError, ValueError):
                pass
            finally:
                for s in (upstream, client):
                    try:
                        s.shutdown(socket.SHUT_RDWR)
                    except OSError:
                        pass

        t = threading.Thread(target=s2c, daemon=True)
        t.start()
        c2s()
        t.join(5)
        client.close()
        upstream.close()


# ---------------------------------------------------------------- client scenarios

NOW = 1767225600000  # fixed CreateTime (2026-01-01T00:00:00Z) so decoded values are stable


def scenario_librdkafka(bootstrap):
    import confluent_kafka as ck
    from confluent_kafka import TopicPartition
    base = {"bootstrap.servers": bootstrap, "log_level": 3}

    p = ck.Producer(dict(base, **{"client.id": "golden-librdkafka-producer", "acks": "all", "linger.ms": 0,
                                  "compression.type": "none"}))
    p.produce(TOPIC, key=b"k1", value=b"v1", partition=0, timestamp=NOW,
              headers=[("h1", b"x"), ("h2", None)])
    p.flush(10)
    p.produce(TOPIC, key=None, value=b"v2", partition=0, timestamp=NOW + 1)
    p.produce(TOPIC, key=b"k3", value=None, partition=0, timestamp=NOW + 2)
    p.flush(10)

    p = ck.Producer(dict(base, **{"client.id": "golden-librdkafka-idempotent", "enable.idempotence": True,
                                  "compression.type": "lz4", "linger.ms": 200}))
    for i in range(5):
        p.produce(TOPIC, key=b"lz%d" % i, value=b"lz4-value-%d-" % i + b"abc" * 20, partition=0,
                  timestamp=NOW + 10 + i, headers=[("i", b"%d" % i)])
    p.flush(10)

    c = ck.Consumer(dict(base, **{"client.id": "golden-librdkafka-consumer", "group.id": "golden-group",
                                  "enable.auto.commit": False, "auto.offset.reset": "earliest",
                                  "fetch.wait.max.ms": 100}))
    c.assign([TopicPartition(TOPIC, 0, ck.OFFSET_BEGINNING)])
    got, deadline = 0, time.monotonic() + 15
    while got < 8 and time.monotonic() < deadline:
        m = c.poll(0.5)
        if m is not None and not m.error():
            got += 1
    c.get_watermark_offsets(TopicPartition(TOPIC, 0), timeout=5, cached=False)
    c.offsets_for_times([TopicPartition(TOPIC, 0, NOW + 11)], timeout=5)
    c.commit(offsets=[TopicPartition(TOPIC, 0, 3)], asynchronous=False)
    c.committed([TopicPartition(TOPIC, 0)], timeout=5)
    c.close()
    return got


def scenario_librdkafka_admin(bootstrap):
    from confluent_kafka import TopicCollection
    from confluent_kafka.admin import (AdminClient, AlterConfigOpType, ConfigEntry, ConfigResource,
                                       NewPartitions, NewTopic, ResourceType)
    a = AdminClient({"bootstrap.servers": bootstrap, "client.id": "golden-librdkafka-admin", "log_level": 0,
                     "allow.auto.create.topics": False})
    to = dict(request_timeout=3)
    calls = [
        lambda: a.create_topics([NewTopic(ADMIN_TOPIC, 3, 1, config={"retention.ms": "3600000",
                                                                     "cleanup.policy": "compact"})],
                                operation_timeout=3, **to)[ADMIN_TOPIC],
        lambda: a.describe_configs([ConfigResource(ResourceType.TOPIC, TOPIC)], **to),
        lambda: a.incremental_alter_configs([ConfigResource(ResourceType.TOPIC, TOPIC, incremental_configs=[
            ConfigEntry("retention.ms", "7777777", incremental_operation=AlterConfigOpType.SET)])], **to),
        lambda: a.create_partitions([NewPartitions(TOPIC, 4)], **to)[TOPIC],
        lambda: a.delete_topics([ADMIN_TOPIC], **to)[ADMIN_TOPIC],
        lambda: a.describe_topics(TopicCollection([TOPIC]), **to)[TOPIC],
        lambda: a.describe_cluster(**to),
    ]
    for call in calls:
        try:
            r = call()
            futs = r.values() if isinstance(r, dict) else [r]
            for f in futs:
                try:
                    f.result(timeout=6)
                except Exception:  # noqa: BLE001 - the mock rejects admin APIs; we only want the request
                    pass
        except Exception:  # noqa: BLE001
            pass


def scenario_kafka_python(bootstrap):
    from kafka import KafkaAdminClient, KafkaConsumer, KafkaProducer, TopicPartition
    from kafka.admin import ConfigResource, ConfigResourceType, NewTopic
    p = KafkaProducer(bootstrap_servers=bootstrap, client_id="golden-kafka-python-producer", acks="all",
                      linger_ms=50)
    p.send(TOPIC, key=b"kp1", value=b"kafka-python-1", partition=0, timestamp_ms=NOW + 100,
           headers=[("hk", b"hv")])
    p.send(TOPIC, key=None, value=b"kafka-python-2", partition=0, timestamp_ms=NOW + 101)
    p.flush(10)
    p.close(timeout=5)

    c = KafkaConsumer(bootstrap_servers=bootstrap, client_id="golden-kafka-python-consumer",
                      enable_auto_commit=False, fetch_max_wait_ms=100)
    tp = TopicPartition(TOPIC, 0)
    c.assign([tp])
    c.seek_to_beginning(tp)
    got, deadline = 0, time.monotonic() + 15
    while got < 10 and time.monotonic() < deadline:
        got += sum(len(v) for v in c.poll(timeout_ms=300).values())
    c.end_offsets([tp])
    c.close()

    a = KafkaAdminClient(bootstrap_servers=bootstrap, client_id="golden-kafka-python-admin",
                         request_timeout_ms=3000)
    for call in (lambda: a.create_topics([NewTopic(ADMIN_TOPIC, 2, 1, topic_configs={"retention.ms": "3600000"})]),
                 lambda: a.describe_configs([ConfigResource(ConfigResourceType.TOPIC, TOPIC)]),
                 lambda: a.delete_topics([ADMIN_TOPIC])):
        try:
            call()
        except Exception:  # noqa: BLE001 - mock rejects admin APIs
            pass
    try:
        a.close()
    except Exception:  # noqa: BLE001
        pass
    return got


def scenario_aiokafka(bootstrap):
    from aiokafka import AIOKafkaConsumer, AIOKafkaProducer
    from aiokafka.structs import TopicPartition

    async def run():
        p = AIOKafkaProducer(bootstrap_servers=bootstrap, client_id="golden-aiokafka-producer", acks="all")
        await p.start()
        try:
            await p.send_and_wait(TOPIC, key=b"aio1", value=b"aiokafka-1", partition=0, timestamp_ms=NOW + 200,
                                  headers=[("ah", b"av")])
        finally:
            await p.stop()
        c = AIOKafkaConsumer(bootstrap_servers=bootstrap, client_id="golden-aiokafka-consumer",
                             enable_auto_commit=False, fetch_max_wait_ms=100)
        await c.start()
        got = 0
        try:
            tp = TopicPartition(TOPIC, 0)
            c.assign([tp])
            await c.seek_to_beginning(tp)
            deadline = time.monotonic() + 15
            while got < 11 and time.monotonic() < deadline:
                got += sum(len(v) for v in (await c.getmany(timeout_ms=300)).values())
        finally:
            await c.stop()
        return got

    return asyncio.run(asyncio.wait_for(run(), 60))


def scenario_kcat(bootstrap):
    base = ["kcat", "-b", bootstrap, "-X", "client.id=golden-kcat", "-m", "5"]
    subprocess.run(base + ["-L", "-J", "-t", TOPIC], capture_output=True, timeout=30)
    subprocess.run(base + ["-P", "-t", TOPIC, "-p", "0", "-K", ":"], input=b"kc1:kcat-1\n", capture_output=True,
                   timeout=30)
    subprocess.run(base + ["-C", "-t", TOPIC, "-p", "0", "-o", "beginning", "-e", "-q"], capture_output=True,
                   timeout=30)


# ---------------------------------------------------------------- decoding for the manifest

def summarize_records(raw):
    if not raw:
        return {"bytes": 0, "batches": []}
    batches = []
    mr = MemoryRecords(bytes(raw))
    while True:
        b = mr.next_batch()
        if b is None:
            break
        crc_valid = b.validate_crc() if b.magic == 2 else None  # must run before iterating the batch
        recs = list(b)
        info = {"base_offset": b.base_offset, "magic": b.magic,
                "codec": {0: "none", 1: "gzip", 2: "snappy", 3: "lz4", 4: "zstd"}.get(b.compression_type,
                                                                                    b.compression_type),
                "record_count": len(recs)}
        if b.magic == 2:
            info.update(size=b.size_in_bytes, last_offset_delta=b.last_offset_delta, crc=b.crc,
                        crc_valid=crc_valid, first_timestamp=b.first_timestamp,
                        max_timestamp=b.max_timestamp, producer_id=b.producer_id,
                        producer_epoch=b.producer_epoch, base_sequence=b.base_sequence,
                        timestamp_type=b.timestamp_type, is_transactional=b.is_transactional,
                        is_control=b.is_control_batch)
        if recs:
            r = recs[0]
            info["first_record"] = {
                "offset": r.offset, "timestamp": r.timestamp,
                "key": None if r.key is None else r.key.decode("latin-1"),
                "value": None if r.value is None else r.value.decode("latin-1"),
                "headers": [[k, None if v is None else v.decode("latin-1")] for k, v in (r.headers or [])]}
            info["keys"] = [None if x.key is None else x.key.decode("latin-1") for x in recs]
        batches.append(info)
    return {"bytes": len(raw), "batches": batches}


def jsonable(v, key=None):
    if isinstance(v, dict):
        return {k: jsonable(x, k) for k, x in v.items()}
    if isinstance(v, (list, tuple)):
        return [jsonable(x) for x in v]
    if isinstance(v, (bytes, bytearray, memoryview)):
        b = bytes(v)
        if key == "records":
            return summarize_records(b)
        return {"hex": b[:64].hex(), "len": len(b)}
    if isinstance(v, uuid.UUID):
        return str(v)
    if v is None or isinstance(v, (bool, int, float, str)):
        return v
    return str(v)


def decode(frame_info):
    key, ver, kind = frame_info["key"], frame_info["version"], frame_info["kind"]
    cls = CLASSES.get((key, kind))
    data = frame_info["data"]
    if kind == "request":
        flex = flexible(key, ver, "request")
        hdr_version = 2 if flex else 1
        off = 8
        (n,) = struct.unpack(">h", data[off:off + 2])
        off += 2 + max(n, 0)
        if flex:
            off += 1  # empty tagged fields in the header (clients send none)
            assert data[off - 1] == 0, "request header has tagged fields"
    else:
        # ApiVersions responses always use header v0
        flex = key != 18 and flexible(key, ver, "response")
        hdr_version = 1 if flex else 0
        off = 4 + (1 if flex else 0)
        if flex:
            assert data[off - 1] == 0, "response header has tagged fields"
    fields, error = None, None
    if cls is not None:
        try:
            obj = cls.decode(data, version=ver, header=True)
            fields = jsonable(obj.to_dict(json=False))
            # Re-encoding must give the exact frame back: proves header version and layout.
            if obj.header.correlation_id != frame_info["cid"]:
                error = "correlation id mismatch"
            elif kind == "request":
                if bytes(obj.encode(version=ver, header=True)) != bytes(data):
                    error = "re-encoded frame differs from the captured bytes"
            else:
                obj._header = None  # kafka-python's response header cannot take a version; compare the body
                enc, body = bytes(obj.encode(version=ver)), bytes(data[off:])
                if enc != body:
                    if body.startswith(enc):
                        error = ("decoded fine, but the frame has %d trailing byte(s) after the schema's body "
                                 "(mock quirk; Kafka's clients ignore them)" % (len(body) - len(enc)))
                    else:
                        error = "re-encoded body differs from the captured bytes"
        except Exception as e:  # noqa: BLE001
            error = "%s: %s" % (type(e).__name__, e)
    return hdr_version, off, fields, error


# ---------------------------------------------------------------- selection

def family(client_id):
    cid = client_id or ""
    for fam in ("librdkafka", "kafka-python", "aiokafka", "kcat"):
        if cid.startswith("golden-" + fam):
            return fam
    return "other"


def variant_and_score(fr, fields):
    """A variant label (part of the file name) and a score (higher = better example)."""
    key, kind = fr["key"], fr["kind"]
    if fields is None:
        return None, -1
    if key == 0 and kind == "request":
        codecs = sorted({b["codec"] for t in fields.get("topic_data", []) for p in t.get("partition_data", [])
                         for b in (p.get("records") or {}).get("batches", [])})
        return (codecs[0] if len(codecs) == 1 and codecs[0] != "none" else None), 1
    if key == 1 and kind == "response":
        batches = [b for t in fields.get("responses", []) for p in t.get("partitions", [])
                   for b in (p.get("records") or {}).get("batches", [])]
        codecs = sorted({b["codec"] for b in batches} - {"none"})
        return (codecs[0] if codecs else None), len(batches)
    if key == 3 and kind == "request":
        return None, 1 if fields.get("topics") else 0
    if key == 3 and kind == "response":
        return None, len(fields.get("topics") or [])
    if key == 2 and kind == "request":
        ts = [p.get("timestamp") for t in fields.get("topics", []) for p in t.get("partitions", [])]
        return None, 1 if any(x is not None and x >= 0 for x in ts) else 0
    return None, 0


# What to keep, to stay small (~40 files): requests (what Petrel decodes) by source and API key; mock
# responses by (API key, version) -- the versions these pinned clients negotiate with the pinned mock.
KEEP_REQUESTS = {
    "librdkafka": {18, 3, 0, 1, 2, 10, 8, 9, 22, 19, 20, 32, 44, 37},
    "kafka-python": {18, 3, 0, 1, 2, 19, 20, 32},
    "aiokafka": {18, 3, 0, 1},
    "kcat": {3},
}
KEEP_RESPONSES = {(18, 0), (18, 2), (3, 13), (3, 5), (0, 10), (0, 7), (1, 16), (1, 12), (2, 7), (10, 2),
                  (8, 9), (9, 6), (22, 4)}


def main():
    out_dir = HERE
    rec = Recorder()
    mock = mock_cluster.Mock(1)
    mock.set_controller(1)
    target = mock.bootstraps().split(",")[0].rsplit(":", 1)
    proxy = Proxy((target[0], int(target[1])), rec)
    mock.advertise(1, "127.0.0.1", proxy.port)
    bootstrap = "127.0.0.1:%d" % proxy.port
    assert mock.create_topic(TOPIC, 2, 1) == 0
    results = {}
    for name, fn in (("librdkafka", scenario_librdkafka), ("kafka-python", scenario_kafka_python),
                     ("aiokafka", scenario_aiokafka), ("kcat", scenario_kcat),
                     ("librdkafka-admin", scenario_librdkafka_admin)):
        t0 = time.monotonic()
        try:
            results[name] = fn(bootstrap)
        except Exception as e:  # noqa: BLE001
            results[name] = "FAILED %s: %s" % (type(e).__name__, e)
        print("scenario %-16s -> %r (%.1fs)" % (name, results[name], time.monotonic() - t0), file=sys.stderr)
    time.sleep(0.5)
    with rec.lock:
        frames = list(rec.frames)
    mock.close()

    chosen = {}
    for fr in frames:
        if fr["key"] is None:
            continue
        fam = family(fr["client_id"])
        if fr["kind"] == "request":
            if fr["key"] not in KEEP_REQUESTS.get(fam, ()):
                continue
            if fr["key"] == 18 and fr["version"] <= API_VERSIONS_MOCK_MAX and fam != "aiokafka":
                continue  # the retry after the shimmed v3/v4 error; keep only the first (natural) version
            source = fam
        else:
            if (fr["key"], fr["version"]) not in KEEP_RESPONSES or fam == "other":
                continue
            source = "mock"
        hdr_version, body_off, fields, err = decode(fr)
        variant, score = variant_and_score(fr, fields)
        ident = (source, fr["key"], fr["version"], variant, fr["kind"])
        cur = chosen.get(ident)
        if cur is None or score > cur["score"]:
            chosen[ident] = dict(fr, source=source, header_version=hdr_version, body_offset=body_off,
                                 fields=fields, decode_error=err, variant=variant, score=score)

    for f in os.listdir(out_dir):
        if f.endswith(".bin"):
            os.remove(os.path.join(out_dir, f))
    manifest = []
    for ident in sorted(chosen, key=lambda i: (i[0], i[1], i[2], str(i[3]), i[4])):
        c = chosen[ident]
        fname = "%s-%s-v%d%s-%s.bin" % (c["source"], api_name(c["key"]), c["version"],
                                        "-" + c["variant"] if c["variant"] else "", c["kind"])
        with open(os.path.join(out_dir, fname), "wb") as f:
            f.write(c["data"])
        manifest.append({
            "file": fname, "kind": c["kind"], "source": c["source"], "api_key": c["key"],
            "api_name": api_name(c["key"]), "api_version": c["version"], "header_version": c["header_version"],
            "body_offset": c["body_offset"], "client_id": c["client_id"], "correlation_id": c["cid"],
            "size": len(c["data"]), "sha256": hashlib.sha256(c["data"]).hexdigest(),
            "fields": c["fields"], "check": c["decode_error"] or "re-encodes to the identical bytes"})
    doc = {
        "about": "Golden Kafka frames captured by capture.py (this directory). Each .bin is one frame without "
                 "its 4-byte size prefix: request = request header (v1, or v2 when flexible) + body; response = "
                 "response header (v0, or v1 when flexible; ApiVersions always v0) + body. body_offset = "
                 "header length. 'fields' were decoded with kafka-python 3.0.12's protocol classes; records are "
                 "summarized (batches, codecs, counts, first record); 'check' says whether kafka-python re-encodes "
                 "the decoded message to the identical bytes. Requests come from the named client "
                 "library, responses from librdkafka's mock cluster (librdkafka 2.16.0), via a recording proxy.",
        "clients": {"librdkafka": "confluent-kafka 2.16.1 / librdkafka 2.16.0", "kafka-python": "3.0.12",
                    "aiokafka": "0.14.0", "kcat": "kcat 1.7.1 / librdkafka 2.0.2",
                    "mock": "librdkafka 2.16.0 rd_kafka_mock"},
        "shims": ["ApiVersions v3+ requests were answered by the proxy with a Kafka-style v0 UNSUPPORTED_VERSION "
                  "response (mock max v2); clients then retried with a lower version (kafka-python v2, librdkafka v0). "
                  "Those synthesized responses are not saved.",
                  "ApiVersions responses forwarded to clients had admin keys %s added, so that clients send "
                  "admin requests; the saved mock ApiVersions responses are the unmodified originals." %
                  sorted(EXTRA_APIS)],
        "scenario_results": results,
        "frames": manifest,
    }
    with open(os.path.join(out_dir, "golden.json"), "w") as f:
        json.dump(doc, f, indent=1, sort_keys=False)
        f.write("\n")
    total = sum(m["size"] for m in manifest)
    print("wrote %d frames (%d bytes) + golden.json to %s" % (len(manifest), total, out_dir), file=sys.stderr)
    for m in manifest:
        print("  %-50s %5d  %s" % (m["file"], m["size"], m["check"]), file=sys.stderr)


if __name__ == "__main__":
    main()
