import NIOCore

/// The body of a notification (xid -1): which watch fired.
struct WatcherEventMessage: JuteCodable {
    /// Watcher.Event.EventType: 1 created, 2 deleted, 3 data changed, 4 children changed.
    var type: Int32
    /// Watcher.Event.KeeperState; 3 (SyncConnected) for node events.
    var state: Int32
    var path: String

    init(type: Int32, state: Int32, path: String) {
        self.type = type
        self.state = state
        self.path = path
    }

    func encode(into buffer: inout ByteBuffer) {
        buffer.writeJuteInt(type)
        buffer.writeJuteInt(state)
        buffer.writeJuteString(path)
    }

    init(from buffer: inout ByteBuffer) throws(ZooKeeperError) {
        self.init(type: try buffer.readJuteInt(), state: try buffer.readJuteInt(), path: try buffer.readJuteString())
    }
}

/// Sent after a reconnect (opcode 101, xid -8) to re-register the watches the client still holds.
/// The server fires at once every watch whose node changed after `relativeZxid` (the last zxid the
/// client saw), so no change made while the client was away goes unnoticed.
struct SetWatchesRequest: JuteCodable {
    var relativeZxid: Int64
    var dataWatches: [String]
    var existWatches: [String]
    var childWatches: [String]

    init(relativeZxid: Int64, dataWatches: [String], existWatches: [String], childWatches: [String]) {
        self.relativeZxid = relativeZxid
        self.dataWatches = dataWatches
        self.existWatches = existWatches
        self.childWatches = childWatches
    }

    func encode(into buffer: inout ByteBuffer) {
        buffer.writeJuteLong(relativeZxid)
        buffer.writeJuteStrings(dataWatches)
        buffer.writeJuteStrings(existWatches)
        buffer.writeJuteStrings(childWatches)
    }

    init(from buffer: inout ByteBuffer) throws(ZooKeeperError) {
        self.init(
            relativeZxid: try buffer.readJuteLong(), dataWatches: try buffer.readJuteStrings(),
            existWatches: try buffer.readJuteStrings(), childWatches: try buffer.readJuteStrings())
    }
}
