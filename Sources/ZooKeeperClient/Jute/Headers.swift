import NIOCore

/// ZooKeeper's request types (ZooDefs.OpCode), the ones this client sends or reads.
enum OpCode: Int32, Sendable, Hashable {
    case notification = 0
    case create = 1
    case delete = 2
    case exists = 3
    case getData = 4
    case setData = 5
    case sync = 9
    case ping = 11
    case getChildren2 = 12
    case check = 13
    case multi = 14
    case create2 = 15
    case setWatches = 101
    case closeSession = -11
    case error = -1
}

/// Request ids the protocol reserves; ordinary requests use increasing positive xids.
enum Xid {
    static let notification: Int32 = -1
    static let ping: Int32 = -2
    static let auth: Int32 = -4
    static let setWatches: Int32 = -8
}

/// Precedes every request after the handshake.
struct RequestHeader: JuteCodable {
    var xid: Int32
    var type: Int32

    func encode(into buffer: inout ByteBuffer) {
        buffer.writeJuteInt(xid)
        buffer.writeJuteInt(type)
    }

    init(xid: Int32, type: Int32) {
        self.xid = xid
        self.type = type
    }

    init(from buffer: inout ByteBuffer) throws(ZooKeeperError) {
        self.init(xid: try buffer.readJuteInt(), type: try buffer.readJuteInt())
    }
}

/// Precedes every reply and notification after the handshake. `err` is 0 or a ZooKeeper code; on
/// an error the server sends no body.
struct ReplyHeader: JuteCodable {
    var xid: Int32
    var zxid: Int64
    var err: Int32

    func encode(into buffer: inout ByteBuffer) {
        buffer.writeJuteInt(xid)
        buffer.writeJuteLong(zxid)
        buffer.writeJuteInt(err)
    }

    init(xid: Int32, zxid: Int64, err: Int32) {
        self.xid = xid
        self.zxid = zxid
        self.err = err
    }

    init(from buffer: inout ByteBuffer) throws(ZooKeeperError) {
        self.init(xid: try buffer.readJuteInt(), zxid: try buffer.readJuteLong(), err: try buffer.readJuteInt())
    }
}
