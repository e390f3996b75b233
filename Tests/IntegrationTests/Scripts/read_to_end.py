"""Reads partitions of a topic from their start to their end (the end as the consumer sees it
when it reaches each partition's EOF), shared by the workload scripts."""
import sys
import time

import confluent_kafka as ck
from confluent_kafka import KafkaError, TopicPartition


def read_to_end(bootstrap, topic, parts, emit, seconds, extra=None):
    """Calls emit(message) for every record of `parts`; exits the process naming the
    partitions reached if the ends are not all reached within `seconds`."""
    config = {"bootstrap.servers": bootstrap, "group.id": "read-to-end-%d" % time.time_ns(),
              "enable.auto.commit": False, "enable.partition.eof": True}
    config.update(extra or {})
    c = ck.Consumer(config)
    c.assign([TopicPartition(topic, p, ck.OFFSET_BEGINNING) for p in parts])
    eof = set()
    deadline = time.monotonic() + seconds
    while eof != set(parts):
        if time.monotonic() > deadline:
            sys.exit("did not reach the end of every partition of %s (reached %s)" % (topic, sorted(eof)))
        m = c.poll(0.5)
        if m is None:
            continue
        if m.error():
            if m.error().code() == KafkaError._PARTITION_EOF:
                eof.add(m.partition())
            continue
        eof.discard(m.partition())
        emit(m)
    c.close()
