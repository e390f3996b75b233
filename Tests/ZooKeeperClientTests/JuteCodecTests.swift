import NIOCore
import Testing

@testable import ZooKeeperClient

/// Every message encodes and decodes back to itself, consumes exactly its bytes, and a cut or
/// lying frame fails with MARSHALLINGERROR instead of crashing.
@Suite struct JuteCodecTests {
    static let stat = Stat(
        czxid: 0x1_0000_0001, mzxid: 0x1_0000_0007, ctime: 1_700_000_000_000, mtime: 1_700_000_000_123, version: 3,
        cversion: 5, aversion: 0, ephemeralOwner: 0x1234_5678_9abc, dataLength: 11, numChildren: 2, pzxid: 0x1_0000_0009)

    static let messages: [any JuteCodable] = [
        RequestHeader(xid: 42, type: OpCode.getData.rawValue),
        ReplyHeader(xid: 42, zxid: 0x1_0000_0002, err: ZooKeeperError.Code.noNode.rawValue),
        ConnectRequest(lastZxidSeen: 77, timeoutMs: 4000, sessionID: 0x7f00_0000_0001, password: Array(0..<16), readOnly: true),
        ConnectResponse(timeoutMs: 4000, sessionID: -2, password: Array(repeating: 9, count: 16), readOnly: false),
        stat,
        ACL(perms: ACL.permsAll, scheme: "world", id: "anyone"),
        CreateRequest(path: "/brokers/ids/1", data: Array("{\"host\":\"h\"}".utf8), flags: CreateMode.ephemeral.flags),
        CreateResponse(path: "/seq-0000000007"),
        Create2Response(path: "/a", stat: stat),
        DeleteRequest(path: "/a", version: -1),
        PathWatchRequest(path: "/päth/ünïcode", watch: true),
        SetDataRequest(path: "/a", data: [0, 1, 2, 255], version: 7),
        StatResponse(stat: stat),
        GetDataResponse(data: [], stat: stat),
        GetChildren2Response(children: ["a", "b", "c-0000000001"], stat: stat),
        WatcherEventMessage(type: WatchEvent.Kind.nodeChildrenChanged.rawValue, state: 3, path: "/p"),
        SetWatchesRequest(relativeZxid: 99, dataWatches: ["/d1", "/d2"], existWatches: ["/e"], childWatches: []),
        MultiHeader(type: OpCode.check.rawValue, done: false, err: -1),
        MultiRequest(operations: [
            .create(path: "/m/a", data: [1], mode: .persistentSequential), .delete(path: "/m/b", version: 4),
            .delete(path: "/m/c"), .setData(path: "/m/d", data: [2, 3], version: nil), .check(path: "/m", version: 12),
        ]),
        MultiResponse(entries: [
            .created(path: "/m/a0000000001"), .created2(path: "/m/x", stat: stat), .deleted, .dataSet(stat), .checked,
        ]),
        MultiResponse(entries: [.error(0), .error(ZooKeeperError.Code.badVersion.rawValue), .error(-2)]),
    ]

    @Test(arguments: 0..<messages.count)
    func roundTrip(index: Int) throws {
        try Self.checkRoundTrip(Self.messages[index])
    }

    static func checkRoundTrip<M: JuteCodable>(_ message: M) throws {
        var buffer = ByteBuffer()
        message.encode(into: &buffer)
        let size = buffer.readableBytes
        let decoded = try M(from: &buffer)
        #expect(decoded == message)
        #expect(buffer.readableBytes == 0, "\(M.self) left \(buffer.readableBytes) of \(size) bytes")
        // Every strict prefix is a truncated message: an error, never a crash or a wrong value.
        for cut in 0..<size {
            var prefix = ByteBuffer()
            message.encode(into: &prefix)
            prefix.moveWriterIndex(to: prefix.readerIndex + cut)
            if let shorter = try? M(from: &prefix) {
                // Only the optional trailing readOnly flag of the connect messages may be missing.
                #expect(cut == size - 1 && (M.self == ConnectRequest.self || M.self == ConnectResponse.self),
                        "\(M.self) decoded from \(cut) of \(size) bytes: \(shorter)")
            }
        }
    }

    @Test func connectRequestHasJutesLayout() {
        var buffer = ByteBuffer()
        ConnectRequest(lastZxidSeen: 5, timeoutMs: 3000, sessionID: 0, password: [0xAA, 0xBB], readOnly: false)
            .encode(into: &buffer)
        let expected: [UInt8] =
            [0, 0, 0, 0]  // protocolVersion
            + [0, 0, 0, 0, 0, 0, 0, 5]  // lastZxidSeen
            + [0, 0, 0x0B, 0xB8]  // timeOut 3000
            + [0, 0, 0, 0, 0, 0, 0, 0]  // sessionId
            + [0, 0, 0, 2, 0xAA, 0xBB]  // passwd
            + [0]  // readOnly
        #expect(Array(buffer.readableBytesView) == expected)
    }

    @Test func requestFrameIsLengthHeaderBody() throws {
        var buffer = ByteBuffer()
        ZooKeeperFraming.writeRequest(.exists(PathWatchRequest(path: "/x", watch: true)), xid: 7, into: &buffer)
        #expect(Array(buffer.readableBytesView) == [0, 0, 0, 15, 0, 0, 0, 7, 0, 0, 0, 3, 0, 0, 0, 2, 0x2F, 0x78, 1])
    }

    @Test(arguments: [
        ZooKeeperRequest.create(CreateRequest(path: "/c", data: [1, 2], flags: 3)),
        .delete(DeleteRequest(path: "/d", version: 2)), .exists(PathWatchRequest(path: "/e", watch: false)),
        .getData(PathWatchRequest(path: "/g", watch: true)), .setData(SetDataRequest(path: "/s", data: [], version: -1)),
        .getChildren(PathWatchRequest(path: "/k", watch: true)),
        .multi(MultiRequest(operations: [.check(path: "/m", version: 0)])),
        .setWatches(SetWatchesRequest(relativeZxid: 1, dataWatches: [], existWatches: ["/x"], childWatches: ["/y"])),
        .ping, .closeSession,
    ])
    func requestFramesRoundTrip(request: ZooKeeperRequest) throws {
        var buffer = ByteBuffer()
        ZooKeeperFraming.writeRequest(request, xid: 3, into: &buffer)
        let prefix = buffer.readInteger(as: Int32.self)
        let length = try #require(prefix)
        #expect(Int(length) == buffer.readableBytes)
        let header = try RequestHeader(from: &buffer)
        #expect(header.xid == 3)
        let opCode = try #require(OpCode(rawValue: header.type))
        #expect(try ZooKeeperRequest(opCode: opCode, body: &buffer) == request)
        #expect(buffer.readableBytes == 0)
    }

    @Test func lengthsBeyondTheFrameAreRefused() {
        var buffer = ByteBuffer()
        buffer.writeInteger(Int32(1_000_000))  // a string "of a megabyte" in a 6-byte frame
        buffer.writeBytes([0x61, 0x62])
        #expect(throws: ZooKeeperError.self) { try buffer.readJuteString() }

        var vector = ByteBuffer()
        vector.writeInteger(Int32(Int32.max))  // a vector count no frame could hold
        #expect(throws: ZooKeeperError.self) { try vector.readJuteStrings() }

        var negative = ByteBuffer()
        negative.writeInteger(Int32(-7))
        do {
            _ = try negative.readJuteBuffer()
            Issue.record("a negative length other than -1 must fail")
        } catch {
            #expect(error.code == .marshallingError)
        }
    }

    @Test func nullBuffersAndStringsReadAsEmpty() throws {
        var buffer = ByteBuffer()
        buffer.writeInteger(Int32(-1))
        buffer.writeInteger(Int32(-1))
        #expect(try buffer.readJuteBuffer() == [])
        #expect(try buffer.readJuteString() == "")
    }

    @Test func multiResponseEntriesMapToResultsOrError() throws {
        let request = MultiRequest(operations: [.create(path: "/a"), .check(path: "/b", version: 1), .delete(path: "/c")])
        var ok = ByteBuffer()
        MultiResponse(entries: [.created(path: "/a"), .checked, .deleted]).encode(into: &ok)
        #expect(try ZooKeeperRequest.multi(request).decodeReply(err: 0, body: &ok).get()
                == .multi([.created(path: "/a"), .checked, .deleted]))

        var failed = ByteBuffer()
        MultiResponse(entries: [.error(0), .error(-103), .error(-2)]).encode(into: &failed)
        let result = ZooKeeperRequest.multi(request).decodeReply(err: 0, body: &failed)
        guard case .failure(let error) = result else {
            Issue.record("an aborted transaction must be an error, got \(result)")
            return
        }
        #expect(error.code == .badVersion)
        #expect(error.path == "/b")
        #expect(error.failedOperationIndex == 1)
        #expect(error.operationCodes == [.ok, .badVersion, .runtimeInconsistency])
    }

    @Test func existsTreatsNoNodeAsAbsent() throws {
        var empty = ByteBuffer()
        let request = ZooKeeperRequest.exists(PathWatchRequest(path: "/gone", watch: false))
        #expect(try request.decodeReply(err: -101, body: &empty).get() == .exists(nil))
        let getData = ZooKeeperRequest.getData(PathWatchRequest(path: "/gone", watch: false))
        #expect(getData.decodeReply(err: -101, body: &empty) == .failure(ZooKeeperError(.noNode, path: "/gone")))
    }
}
