"""Transactional workload for TransactionCrashTests, on confluent-kafka (librdkafka).

  produce BOOTSTRAP TOPIC OUTCOMES RUN   runs transactions until killed or the broker goes
      away: transaction n writes 5 records "<RUN>.<n>-p<partition>-<i>" to partitions 0 and 1,
      then commits (n % 3 != 2) or aborts; after each outcome returns, one line
      "commit <RUN>.<n>" or "abort <RUN>.<n>" is appended (and flushed) to OUTCOMES. A
      transaction with no line may have done either, but never half.
  verify BOOTSTRAP TOPIC             reads both partitions read_committed to their end and
      prints one value per line.
"""
import sys
import time

import confluent_kafka as ck

from read_to_end import read_to_end


def produce(bootstrap, topic, outcomes, run):
    p = ck.Producer({"bootstrap.servers": bootstrap, "transactional.id": "crash-workload",
                     "transaction.timeout.ms": 5000, "linger.ms": 2})
    p.init_transactions(30)
    with open(outcomes, "a") as out:
        n = 0
        while True:
            p.begin_transaction()
            for partition in (0, 1):
                for i in range(5):
                    p.produce(topic, value=b"%s.%d-p%d-%d" % (run.encode(), n, partition, i), partition=partition)
            p.flush(30)
            if n % 3 == 2:
                p.abort_transaction(30)
                out.write("abort %s.%d\n" % (run, n))
            else:
                p.commit_transaction(30)
                out.write("commit %s.%d\n" % (run, n))
            out.flush()
            n += 1


def verify(bootstrap, topic):
    read_to_end(bootstrap, topic, [0, 1], seconds=60, extra={"isolation.level": "read_committed"},
                emit=lambda m: print(m.value().decode()))


if __name__ == "__main__":
    mode, bootstrap, topic = sys.argv[1], sys.argv[2], sys.argv[3]
    if mode == "produce":
        produce(bootstrap, topic, sys.argv[4], sys.argv[5])
    else:
        verify(bootstrap, topic)
