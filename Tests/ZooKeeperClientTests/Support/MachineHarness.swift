import NIOCore
import Testing

@testable import ZooKeeperClient

/// Drives a ConnectionStateMachine by hand: promises are Ints, watchers are Strings, time is
/// whatever the test says, and the "server" is frames built with the client's own codecs.
struct MachineHarness {
    typealias Machine = ConnectionStateMachine<Int, String>

    static let servers = [
        ServerAddress(host: "10.0.0.1", port: 2181), ServerAddress(host: "10.0.0.2", port: 2181),
        ServerAddress(host: "10.0.0.3", port: 2181),
    ]
    static let t0 = NIODeadline.uptimeNanoseconds(5_000_000_000)

    var machine: Machine

    init(servers: [ServerAddress] = Self.servers, sessionTimeout: TimeAmount = .seconds(3), resume: SessionCredentials? = nil) {
        machine = Machine(
            configuration: .init(
                servers: servers, sessionTimeout: sessionTimeout, reconnectDelay: .milliseconds(100), resume: resume))
    }

    static func at(_ ms: Int64) -> NIODeadline { t0 + .milliseconds(ms) }

    /// Starts, connects to the first server and opens session `sessionID` with `timeoutMs`.
    mutating func open(sessionID: Int64 = 0x51, timeoutMs: Int32 = 3000, at ms: Int64 = 0) -> [Machine.Action] {
        var actions = machine.start(now: Self.at(ms))
        actions += machine.connectionEstablished(now: Self.at(ms))
        actions += machine.frameReceived(Self.connectResponse(timeoutMs: timeoutMs, sessionID: sessionID), now: Self.at(ms))
        return actions
    }

    mutating func submit(_ request: ZooKeeperRequest, promise: Int, watcher: String? = nil, at ms: Int64 = 0) -> [Machine.Action] {
        machine.submit(.init(request: request, promise: promise, watcher: watcher), now: Self.at(ms))
    }

    mutating func receive(_ frame: ByteBuffer, at ms: Int64 = 0) -> [Machine.Action] {
        machine.frameReceived(frame, now: Self.at(ms))
    }

    // MARK: Server frames

    static func connectResponse(timeoutMs: Int32, sessionID: Int64, password: [UInt8] = Array(repeating: 7, count: 16)) -> ByteBuffer {
        var buffer = ByteBuffer()
        ConnectResponse(timeoutMs: timeoutMs, sessionID: sessionID, password: password, readOnly: false).encode(into: &buffer)
        return buffer
    }

    static func reply(xid: Int32, zxid: Int64 = 0x100, err: ZooKeeperError.Code = .ok, body: (inout ByteBuffer) -> Void = { _ in })
        -> ByteBuffer
    {
        var buffer = ByteBuffer()
        ReplyHeader(xid: xid, zxid: zxid, err: err.rawValue).encode(into: &buffer)
        body(&buffer)
        return buffer
    }

    static func notification(_ kind: WatchEvent.Kind, _ path: String) -> ByteBuffer {
        reply(xid: Xid.notification, zxid: -1) {
            WatcherEventMessage(type: kind.rawValue, state: 3, path: path).encode(into: &$0)
        }
    }

    // MARK: Reading actions

    /// One line per action, for comparing sequences.
    static func describe(_ actions: [Machine.Action]) -> [String] {
        actions.map { action in
            switch action {
            case .connect(let server, _): "connect \(server)"
            case .write: "write"
            case .closeConnection: "close"
            case .succeed(let promise, _): "succeed \(promise)"
            case .fail(let promise, let error): "fail \(promise) \(error.code.name)"
            case .sessionEvent(let event): "session \(event)"
            case .fireWatch(let event, let watchers): "watch \(event) \(watchers.sorted())"
            case .endWatchers(let watchers): "end \(watchers.sorted())"
            }
        }
    }

    /// The frames the client wrote, without their length prefix.
    static func writtenFrames(_ actions: [Machine.Action]) -> [ByteBuffer] {
        var frames: [ByteBuffer] = []
        for case .write(var buffer) in actions {
            while let length = buffer.readInteger(as: Int32.self), let frame = buffer.readSlice(length: Int(length)) {
                frames.append(frame)
            }
        }
        return frames
    }

    /// The requests the client wrote (not the ConnectRequest), with their xids.
    static func writtenRequests(_ actions: [Machine.Action]) throws -> [(xid: Int32, request: ZooKeeperRequest)] {
        try writtenFrames(actions).map { frame in
            var frame = frame
            let header = try RequestHeader(from: &frame)
            let opCode = try #require(OpCode(rawValue: header.type))
            return (header.xid, try ZooKeeperRequest(opCode: opCode, body: &frame))
        }
    }

    static func writtenConnectRequest(_ actions: [Machine.Action]) throws -> ConnectRequest {
        var frame = try #require(writtenFrames(actions).first)
        return try ConnectRequest(from: &frame)
    }

    static func response(for promise: Int, in actions: [Machine.Action]) -> ZooKeeperResponse? {
        for case .succeed(promise, let response) in actions { return response }
        return nil
    }

    static func error(for promise: Int, in actions: [Machine.Action]) -> ZooKeeperError? {
        for case .fail(promise, let error) in actions { return error }
        return nil
    }
}
