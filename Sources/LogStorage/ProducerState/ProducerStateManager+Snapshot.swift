import KafkaProtocol

extension ProducerStateManager {
    /// Writes the state as the snapshot at `offset`, which must be the log end offset: the state
    /// then covers exactly the batches below it. Called under the partition lock on segment roll
    /// (`sync: false`) and on clean close (`sync: true`). Returns false when the latest snapshot
    /// is already at `offset` (nothing was appended since).
    @discardableResult
    public mutating func writeSnapshot(offset: Int64, sync: Bool, io: any LogFileIO = PosixFileIO()) throws(StorageError) -> Bool {
        if snapshotOffsets.last == offset { return false }
        let bytes = ProducerSnapshotFile.encode(producers)
        try ProducerSnapshotFile.write(bytes, to: ProducerSnapshotFile.path(directory, offset), sync: sync, io: io)
        if let last = snapshotOffsets.last, last > offset {
            snapshotOffsets = (snapshotOffsets.filter { $0 != offset } + [offset]).sorted()
        } else {
            snapshotOffsets.append(offset)
        }
        return true
    }

    public var latestSnapshotOffset: Int64? { snapshotOffsets.last }

    /// Replaces the in-memory state with the newest snapshot in [logStartOffset, logEndOffset]
    /// (Kafka's truncateAndReload). Snapshots outside that range are deleted, and so is any
    /// snapshot that does not read back whole (the next older one is tried). Producers already
    /// expired at `nowMs` are not loaded. Returns the offset the state now covers: the log's
    /// batches from there to the log end must be replayed through `update` (see `rebuild`).
    public mutating func reload(
        logStartOffset: Int64, logEndOffset: Int64, nowMs: Int64,
        producerIdExpirationMs: Int64 = defaultProducerIdExpirationMs
    ) throws(StorageError) -> Int64 {
        producers.removeAll()
        openTransactions.removeAll()
        snapshotOffsets = []
        for offset in try ProducerSnapshotFile.list(directory) {
            if offset > logEndOffset || offset < logStartOffset {
                try Posix.remove(ProducerSnapshotFile.path(directory, offset))
            } else {
                snapshotOffsets.append(offset)
            }
        }
        while let offset = snapshotOffsets.last {
            let path = ProducerSnapshotFile.path(directory, offset)
            do {
                let entries = try ProducerSnapshotFile.decode(try ProducerSnapshotFile.read(path), path: path)
                for entry in entries where !Self.isExpired(entry, nowMs: nowMs, expirationMs: producerIdExpirationMs) {
                    producers[entry.producerId] = entry
                }
                reindexTransactions()
                return offset
            } catch {
                // Unreadable or corrupt: fall back to the previous snapshot and a longer replay.
                try Posix.remove(path)
                snapshotOffsets.removeLast()
            }
        }
        return logStartOffset
    }

    /// Deletes the snapshots below `offset`: the segments they were taken at are gone
    /// (retention, DeleteRecords). Pass the new first segment's base offset.
    public mutating func deleteSnapshots(below offset: Int64) throws(StorageError) {
        while let first = snapshotOffsets.first, first < offset {
            try Posix.remove(ProducerSnapshotFile.path(directory, first))
            snapshotOffsets.removeFirst()
        }
    }

    /// Deletes the snapshots above `offset` (log truncation to `offset`); one exactly at
    /// `offset` stays valid. The state itself must then be rebuilt (`rebuild`).
    public mutating func deleteSnapshots(above offset: Int64) throws(StorageError) {
        while let last = snapshotOffsets.last, last > offset {
            try Posix.remove(ProducerSnapshotFile.path(directory, last))
            snapshotOffsets.removeLast()
        }
    }

    /// Deletes every snapshot and forgets all producers (the log restarts empty).
    public mutating func deleteAllSnapshots() throws(StorageError) {
        try deleteSnapshots(above: Int64.min)
        clear()
    }
}
