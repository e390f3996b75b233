import NIOCore

/// Every request this client sends after the handshake, with its opcode and body codec.
enum ZooKeeperRequest: Sendable, Hashable {
    case create(CreateRequest)
    case delete(DeleteRequest)
    case exists(PathWatchRequest)
    case getData(PathWatchRequest)
    case setData(SetDataRequest)
    case getChildren(PathWatchRequest)
    case multi(MultiRequest)
    case setWatches(SetWatchesRequest)
    case ping
    case closeSession

    var opCode: OpCode {
        switch self {
        case .create: .create
        case .delete: .delete
        case .exists: .exists
        case .getData: .getData
        case .setData: .setData
        case .getChildren: .getChildren2
        case .multi: .multi
        case .setWatches: .setWatches
        case .ping: .ping
        case .closeSession: .closeSession
        }
    }

    /// The znode the request is about, for errors.
    var path: String? {
        switch self {
        case .create(let r): r.path
        case .delete(let r): r.path
        case .exists(let r), .getData(let r), .getChildren(let r): r.path
        case .setData(let r): r.path
        case .multi, .setWatches, .ping, .closeSession: nil
        }
    }

    func encodeBody(into buffer: inout ByteBuffer) {
        switch self {
        case .create(let r): r.encode(into: &buffer)
        case .delete(let r): r.encode(into: &buffer)
        case .exists(let r), .getData(let r), .getChildren(let r): r.encode(into: &buffer)
        case .setData(let r): r.encode(into: &buffer)
        case .multi(let r): r.encode(into: &buffer)
        case .setWatches(let r): r.encode(into: &buffer)
        case .ping, .closeSession: break
        }
    }

    /// Reads a request body (what a server does); the tests use it for round trips.
    init(opCode: OpCode, body buffer: inout ByteBuffer) throws(ZooKeeperError) {
        switch opCode {
        case .create: self = .create(try CreateRequest(from: &buffer))
        case .delete: self = .delete(try DeleteRequest(from: &buffer))
        case .exists: self = .exists(try PathWatchRequest(from: &buffer))
        case .getData: self = .getData(try PathWatchRequest(from: &buffer))
        case .setData: self = .setData(try SetDataRequest(from: &buffer))
        case .getChildren2: self = .getChildren(try PathWatchRequest(from: &buffer))
        case .multi: self = .multi(try MultiRequest(from: &buffer))
        case .setWatches: self = .setWatches(try SetWatchesRequest(from: &buffer))
        case .ping: self = .ping
        case .closeSession: self = .closeSession
        default: throw .marshalling("this client does not send opcode \(opCode.rawValue)")
        }
    }
}

/// Frames: a 4-byte big-endian length, then the payload.
enum ZooKeeperFraming {
    /// Appends one length-prefixed frame whose payload `body` writes.
    static func writeFrame(into buffer: inout ByteBuffer, _ body: (inout ByteBuffer) -> Void) {
        let lengthIndex = buffer.writerIndex
        buffer.writeInteger(Int32(0))
        body(&buffer)
        let length = buffer.writerIndex - lengthIndex - 4
        buffer.setInteger(Int32(truncatingIfNeeded: length), at: lengthIndex)
    }

    static func writeRequest(_ request: ZooKeeperRequest, xid: Int32, into buffer: inout ByteBuffer) {
        writeFrame(into: &buffer) { payload in
            RequestHeader(xid: xid, type: request.opCode.rawValue).encode(into: &payload)
            request.encodeBody(into: &payload)
        }
    }

    static func writeConnect(_ request: ConnectRequest, into buffer: inout ByteBuffer) {
        writeFrame(into: &buffer) { request.encode(into: &$0) }
    }
}
