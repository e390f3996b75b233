"""Workload for ClusterFaultTests, on confluent-kafka (librdkafka).

  create BOOTSTRAP TOPIC PARTITIONS        creates TOPIC with replication factor 3.
  produce BOOTSTRAP TOPIC OUT SECONDS ID   an idempotent acks=all producer writes unique values
      "ID-<n>" for SECONDS, then flushes; every acknowledgement appends one line
      "<partition> <offset> <value>" to OUT (flushed), in the order the acks arrive; a failed
      delivery appends "FAILED <value> <error>".
  consume BOOTSTRAP TOPIC GROUP OUT        a group member reading until SIGTERM; appends each
      value it reads to OUT.
  dump BOOTSTRAP TOPIC PARTITIONS          reads every partition from its start to its end and
      prints "<partition> <offset> <value>" per record.
"""
import signal
import sys
import time

import confluent_kafka as ck
from confluent_kafka.admin import AdminClient, NewTopic

from read_to_end import read_to_end


def create(bootstrap, topic, partitions):
    admin = AdminClient({"bootstrap.servers": bootstrap})
    admin.create_topics([NewTopic(topic, int(partitions), 3)])[topic].result(30)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        md = admin.list_topics(topic, timeout=10).topics.get(topic)
        if md and not md.error and len(md.partitions) == int(partitions) and \
                all(p.leader >= 0 and len(p.isrs) == 3 for p in md.partitions.values()):
            return
        time.sleep(0.2)
    sys.exit("create: %s did not get leaders and full ISRs within 30 s" % topic)


def produce(bootstrap, topic, out, seconds, ident):
    p = ck.Producer({"bootstrap.servers": bootstrap, "enable.idempotence": True, "acks": "all",
                     "linger.ms": 5, "message.timeout.ms": 300000, "retry.backoff.ms": 100,
                     "reconnect.backoff.max.ms": 1000})
    with open(out, "a") as f:
        def delivered(err, msg):
            if err is None:
                f.write("%d %d %s\n" % (msg.partition(), msg.offset(), msg.value().decode()))
            else:
                f.write("FAILED %s %s\n" % (msg.value().decode(), err))
            f.flush()

        n = 0
        end = time.monotonic() + float(seconds)
        while time.monotonic() < end:
            try:
                p.produce(topic, value=b"%s-%d" % (ident.encode(), n), on_delivery=delivered)
                n += 1
            except BufferError:
                p.poll(0.05)
                continue
            p.poll(0)
            time.sleep(0.002)
        left = p.flush(300)
        if left:
            sys.exit("produce: %d records still unacknowledged after 300 s" % left)


def consume(bootstrap, topic, group, out):
    stop = []
    signal.signal(signal.SIGTERM, lambda *_: stop.append(1))
    c = ck.Consumer({"bootstrap.servers": bootstrap, "group.id": group, "auto.offset.reset": "earliest",
                     "session.timeout.ms": 10000, "enable.auto.commit": True, "auto.commit.interval.ms": 500})
    c.subscribe([topic])
    with open(out, "a") as f:
        while not stop:
            m = c.poll(0.2)
            if m is None or m.error():
                continue
            f.write(m.value().decode() + "\n")
            f.flush()
    c.close()


def dump(bootstrap, topic, partitions):
    read_to_end(bootstrap, topic, list(range(int(partitions))), seconds=120,
                emit=lambda m: print("%d %d %s" % (m.partition(), m.offset(), m.value().decode())))


if __name__ == "__main__":
    command, args = sys.argv[1], sys.argv[2:]
    {"create": create, "produce": produce, "consume": consume, "dump": dump}[command](*args)
