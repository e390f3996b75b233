import NIOCore

// multi (opcode 14): a sequence of (MultiHeader, body) pairs closed by a header with done = true.
// Requests carry err -1 in each header; responses carry the op's type (or -1 with an ErrorResponse
// body) per operation. The server answers a failed transaction with header err 0 and one error
// entry per operation: 0 for those before the failing one, the failure, then RUNTIMEINCONSISTENCY.

struct MultiHeader: JuteCodable {
    var type: Int32
    var done: Bool
    var err: Int32

    static let end = MultiHeader(type: -1, done: true, err: -1)

    init(type: Int32, done: Bool, err: Int32) {
        self.type = type
        self.done = done
        self.err = err
    }

    func encode(into buffer: inout ByteBuffer) {
        buffer.writeJuteInt(type)
        buffer.writeJuteBool(done)
        buffer.writeJuteInt(err)
    }

    init(from buffer: inout ByteBuffer) throws(ZooKeeperError) {
        self.init(type: try buffer.readJuteInt(), done: try buffer.readJuteBool(), err: try buffer.readJuteInt())
    }
}

struct MultiRequest: JuteCodable {
    var operations: [MultiOperation]

    init(operations: [MultiOperation]) { self.operations = operations }

    func encode(into buffer: inout ByteBuffer) {
        for operation in operations {
            switch operation {
            case .create(let path, let data, let mode):
                MultiHeader(type: OpCode.create.rawValue, done: false, err: -1).encode(into: &buffer)
                CreateRequest(path: path, data: data, flags: mode.flags).encode(into: &buffer)
            case .delete(let path, let version):
                MultiHeader(type: OpCode.delete.rawValue, done: false, err: -1).encode(into: &buffer)
                DeleteRequest(path: path, version: version ?? -1).encode(into: &buffer)
            case .setData(let path, let data, let version):
                MultiHeader(type: OpCode.setData.rawValue, done: false, err: -1).encode(into: &buffer)
                SetDataRequest(path: path, data: data, version: version ?? -1).encode(into: &buffer)
            case .check(let path, let version):
                MultiHeader(type: OpCode.check.rawValue, done: false, err: -1).encode(into: &buffer)
                CheckVersionRequest(path: path, version: version).encode(into: &buffer)
            }
        }
        MultiHeader.end.encode(into: &buffer)
    }

    init(from buffer: inout ByteBuffer) throws(ZooKeeperError) {
        var operations: [MultiOperation] = []
        var header = try MultiHeader(from: &buffer)
        while !header.done {
            switch OpCode(rawValue: header.type) {
            case .create:
                let request = try CreateRequest(from: &buffer)
                guard let mode = CreateMode(flags: request.flags) else {
                    throw .marshalling("unsupported create flags \(request.flags) in multi")
                }
                operations.append(.create(path: request.path, data: request.data, mode: mode))
            case .delete:
                let request = try DeleteRequest(from: &buffer)
                operations.append(.delete(path: request.path, version: request.version == -1 ? nil : request.version))
            case .setData:
                let request = try SetDataRequest(from: &buffer)
                operations.append(
                    .setData(path: request.path, data: request.data, version: request.version == -1 ? nil : request.version))
            case .check:
                let request = try CheckVersionRequest(from: &buffer)
                operations.append(.check(path: request.path, version: request.version))
            default:
                throw .marshalling("unsupported operation type \(header.type) in multi")
            }
            header = try MultiHeader(from: &buffer)
        }
        self.operations = operations
    }
}

struct MultiResponse: JuteCodable {
    enum Entry: Sendable, Hashable {
        case created(path: String)
        case created2(path: String, stat: Stat)
        case deleted
        case dataSet(Stat)
        case checked
        case error(Int32)
    }

    var entries: [Entry]

    init(entries: [Entry]) { self.entries = entries }

    func encode(into buffer: inout ByteBuffer) {
        for entry in entries {
            switch entry {
            case .created(let path):
                MultiHeader(type: OpCode.create.rawValue, done: false, err: 0).encode(into: &buffer)
                CreateResponse(path: path).encode(into: &buffer)
            case .created2(let path, let stat):
                MultiHeader(type: OpCode.create2.rawValue, done: false, err: 0).encode(into: &buffer)
                Create2Response(path: path, stat: stat).encode(into: &buffer)
            case .deleted:
                MultiHeader(type: OpCode.delete.rawValue, done: false, err: 0).encode(into: &buffer)
            case .dataSet(let stat):
                MultiHeader(type: OpCode.setData.rawValue, done: false, err: 0).encode(into: &buffer)
                stat.encode(into: &buffer)
            case .checked:
                MultiHeader(type: OpCode.check.rawValue, done: false, err: 0).encode(into: &buffer)
            case .error(let code):
                MultiHeader(type: OpCode.error.rawValue, done: false, err: code).encode(into: &buffer)
                buffer.writeJuteInt(code)
            }
        }
        MultiHeader.end.encode(into: &buffer)
    }

    init(from buffer: inout ByteBuffer) throws(ZooKeeperError) {
        var entries: [Entry] = []
        var header = try MultiHeader(from: &buffer)
        while !header.done {
            switch OpCode(rawValue: header.type) {
            case .create: entries.append(.created(path: try CreateResponse(from: &buffer).path))
            case .create2:
                let response = try Create2Response(from: &buffer)
                entries.append(.created2(path: response.path, stat: response.stat))
            case .delete: entries.append(.deleted)
            case .setData: entries.append(.dataSet(try Stat(from: &buffer)))
            case .check: entries.append(.checked)
            case .error: entries.append(.error(try buffer.readJuteInt()))
            default: throw .marshalling("unexpected result type \(header.type) in multi response")
            }
            header = try MultiHeader(from: &buffer)
        }
        self.entries = entries
    }
}
