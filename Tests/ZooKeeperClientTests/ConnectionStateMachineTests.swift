import NIOCore
import Testing

@testable import ZooKeeperClient

/// The session logic without sockets: every event is fed by hand and every action checked.
@Suite struct ConnectionStateMachineTests {
    typealias H = MachineHarness

    @Test func handshakeOpensANewSessionThenSendsQueuedCallsInOrder() throws {
        var h = H()
        var actions = h.machine.start(now: H.at(0))
        #expect(H.describe(actions) == ["connect 10.0.0.1:2181"])
        // Calls made before the session exists wait for it.
        #expect(h.submit(.getData(PathWatchRequest(path: "/a", watch: false)), promise: 1).isEmpty)
        #expect(h.submit(.delete(DeleteRequest(path: "/b", version: 4)), promise: 2).isEmpty)

        actions = h.machine.connectionEstablished(now: H.at(5))
        let connect = try H.writtenConnectRequest(actions)
        #expect(connect.sessionID == 0)
        #expect(connect.timeoutMs == 3000)
        #expect(connect.password == Array(repeating: 0, count: 16))
        #expect(connect.lastZxidSeen == 0)

        actions = h.receive(H.connectResponse(timeoutMs: 2400, sessionID: 0x51), at: 10)
        #expect(H.describe(actions) == ["session connected(server: \"10.0.0.1:2181\", sessionID: 81)", "write"])
        let sent = try H.writtenRequests(actions)
        #expect(sent.map(\.xid) == [1, 2])
        #expect(sent.map(\.request.opCode) == [.getData, .delete])
        #expect(h.machine.negotiatedTimeout == .milliseconds(2400))
        #expect(h.machine.currentServer == H.servers[0])
    }

    @Test func repliesCompleteCallsInOrderAndTrackTheLastZxid() throws {
        var h = H()
        _ = h.open()
        _ = h.submit(.create(CreateRequest(path: "/a", data: [], flags: 0)), promise: 1)
        _ = h.submit(.exists(PathWatchRequest(path: "/b", watch: false)), promise: 2)
        var actions = h.receive(H.reply(xid: 1, zxid: 0x2a) { CreateResponse(path: "/a").encode(into: &$0) })
        #expect(H.response(for: 1, in: actions) == .created(path: "/a"))
        actions = h.receive(H.reply(xid: 2, zxid: 0x2a, err: .noNode))
        #expect(H.response(for: 2, in: actions) == .exists(nil))
        #expect(h.machine.lastZxid == 0x2a)
        #expect(h.machine.pending.isEmpty)
    }

    @Test func serverErrorsReachTheCallerWithCodeAndPath() {
        var h = H()
        _ = h.open()
        _ = h.submit(.setData(SetDataRequest(path: "/v", data: [1], version: 3)), promise: 9)
        let actions = h.receive(H.reply(xid: 1, err: .badVersion))
        #expect(H.error(for: 9, in: actions) == ZooKeeperError(.badVersion, path: "/v"))
    }

    @Test func anOutOfOrderReplyDropsTheConnectionAndFailsWhatWasInFlight() {
        var h = H()
        _ = h.open()
        _ = h.submit(.getData(PathWatchRequest(path: "/a", watch: false)), promise: 1)
        let actions = h.receive(H.reply(xid: 77))
        #expect(H.describe(actions) == ["close", "fail 1 CONNECTIONLOSS", "session disconnected", "connect 10.0.0.2:2181"])
    }

    @Test func pingsAfterAThirdOfTheTimeoutAndOnlyWhenIdle() throws {
        var h = H()
        _ = h.open(timeoutMs: 3000)
        #expect(h.machine.tick(now: H.at(999)).isEmpty)
        let actions = h.machine.tick(now: H.at(1000))
        let sent = H.writtenFrames(actions)
        #expect(sent.count == 1)
        var frame = try #require(sent.first)
        #expect(try RequestHeader(from: &frame) == RequestHeader(xid: Xid.ping, type: OpCode.ping.rawValue))
        #expect(h.machine.tick(now: H.at(1500)).isEmpty)
        // The ping's answer counts as hearing from the server; it completes nothing.
        #expect(h.receive(H.reply(xid: Xid.ping), at: 1600).isEmpty)
    }

    @Test func aSilentServerIsLeftAfterTwoThirdsOfTheTimeout() {
        var h = H()
        _ = h.open(timeoutMs: 3000)
        _ = h.machine.tick(now: H.at(1000))  // ping, never answered
        #expect(H.describe(h.machine.tick(now: H.at(1999))).isEmpty)
        #expect(H.describe(h.machine.tick(now: H.at(2000))) == ["close", "session disconnected", "connect 10.0.0.2:2181"])
    }

    @Test func reconnectResumesTheSessionAndReRegistersWatchesBeforeQueuedCalls() throws {
        var h = H()
        _ = h.open(sessionID: 0x77)
        _ = h.submit(.getData(PathWatchRequest(path: "/data", watch: true)), promise: 1, watcher: "w1")
        _ = h.receive(H.reply(xid: 1, zxid: 0x40) { GetDataResponse(data: [1], stat: Stat()).encode(into: &$0) })
        _ = h.submit(.exists(PathWatchRequest(path: "/missing", watch: true)), promise: 2, watcher: "w2")
        _ = h.receive(H.reply(xid: 2, zxid: 0x41, err: .noNode))
        _ = h.submit(.getChildren(PathWatchRequest(path: "/kids", watch: true)), promise: 3, watcher: "w3")
        _ = h.receive(H.reply(xid: 3, zxid: 0x42) { GetChildren2Response(children: [], stat: Stat()).encode(into: &$0) })

        var actions = h.machine.connectionLost(now: H.at(100))
        #expect(H.describe(actions) == ["session disconnected", "connect 10.0.0.2:2181"])
        _ = h.submit(.delete(DeleteRequest(path: "/x", version: -1)), promise: 4, at: 110)
        actions = h.machine.connectionEstablished(now: H.at(120))
        let connect = try H.writtenConnectRequest(actions)
        #expect(connect.sessionID == 0x77)
        #expect(connect.password == Array(repeating: 7, count: 16))
        #expect(connect.lastZxidSeen == 0x42)

        actions = h.receive(H.connectResponse(timeoutMs: 3000, sessionID: 0x77), at: 130)
        let sent = try H.writtenRequests(actions)
        #expect(sent.map(\.xid) == [Xid.setWatches, 4])
        #expect(sent.first?.request == .setWatches(
            SetWatchesRequest(relativeZxid: 0x42, dataWatches: ["/data"], existWatches: ["/missing"], childWatches: ["/kids"])))
        // The SetWatches answer is consumed without completing any call; the delete's answer follows.
        #expect(h.receive(H.reply(xid: Xid.setWatches), at: 140).isEmpty)
        #expect(H.response(for: 4, in: h.receive(H.reply(xid: 4), at: 150)) == .empty)
    }

    @Test func watchesFireOnceToEveryWatcherOfThePath() {
        var h = H()
        _ = h.open()
        _ = h.submit(.getData(PathWatchRequest(path: "/a", watch: true)), promise: 1, watcher: "w1")
        _ = h.submit(.exists(PathWatchRequest(path: "/a", watch: true)), promise: 2, watcher: "w2")
        _ = h.submit(.getChildren(PathWatchRequest(path: "/a", watch: true)), promise: 3, watcher: "w3")
        _ = h.receive(H.reply(xid: 1) { GetDataResponse(data: [], stat: Stat()).encode(into: &$0) })
        _ = h.receive(H.reply(xid: 2) { StatResponse(stat: Stat()).encode(into: &$0) })
        _ = h.receive(H.reply(xid: 3) { GetChildren2Response(children: [], stat: Stat()).encode(into: &$0) })

        #expect(H.describe(h.receive(H.notification(.nodeDataChanged, "/a"))) == ["watch nodeDataChanged /a [\"w1\", \"w2\"]"])
        #expect(H.describe(h.receive(H.notification(.nodeDataChanged, "/a"))).isEmpty)
        #expect(H.describe(h.receive(H.notification(.nodeDeleted, "/a"))) == ["watch nodeDeleted /a [\"w3\"]"])
    }

    @Test func anExistsWatchOnAMissingNodeFiresWhenItIsCreated() {
        var h = H()
        _ = h.open()
        _ = h.submit(.exists(PathWatchRequest(path: "/later", watch: true)), promise: 1, watcher: "w")
        _ = h.receive(H.reply(xid: 1, err: .noNode))
        #expect(H.describe(h.receive(H.notification(.nodeCreated, "/later"))) == ["watch nodeCreated /later [\"w\"]"])
    }

    @Test func aFailedWatchingReadSetsNoWatch() {
        var h = H()
        _ = h.open()
        _ = h.submit(.getData(PathWatchRequest(path: "/none", watch: true)), promise: 1, watcher: "w")
        #expect(H.error(for: 1, in: h.receive(H.reply(xid: 1, err: .noNode)))?.code == .noNode)
        #expect(h.machine.watches.isEmpty)
    }

    @Test func theServerSayingExpiredEndsTheSessionForGood() {
        var h = H()
        _ = h.open(sessionID: 0x99)
        _ = h.submit(.getData(PathWatchRequest(path: "/w", watch: true)), promise: 1, watcher: "w")
        _ = h.receive(H.reply(xid: 1) { GetDataResponse(data: [], stat: Stat()).encode(into: &$0) })
        _ = h.machine.connectionLost(now: H.at(10))
        _ = h.submit(.delete(DeleteRequest(path: "/q", version: -1)), promise: 2, at: 20)
        _ = h.machine.connectionEstablished(now: H.at(30))
        let actions = h.receive(H.connectResponse(timeoutMs: 0, sessionID: 0), at: 40)
        #expect(H.describe(actions) == ["close", "fail 2 SESSIONEXPIRED", "session expired", "end [\"w\"]"])
        #expect(H.describe(h.submit(.delete(DeleteRequest(path: "/q", version: -1)), promise: 3, at: 50)) == ["fail 3 SESSIONEXPIRED"])
        #expect(h.machine.tick(now: H.at(60_000)).isEmpty)
    }

    @Test func noServerAnsweringForTheWholeTimeoutExpiresTheSession() {
        var h = H(sessionTimeout: .seconds(3))
        _ = h.open(timeoutMs: 3000, at: 0)
        var actions = h.machine.connectionLost(now: H.at(100))
        #expect(H.describe(actions) == ["session disconnected", "connect 10.0.0.2:2181"])
        // Every member refuses: one round, then a pause before the next.
        #expect(H.describe(h.machine.connectionLost(now: H.at(110))) == ["connect 10.0.0.3:2181"])
        #expect(H.describe(h.machine.connectionLost(now: H.at(120))) == ["connect 10.0.0.1:2181"])
        #expect(H.describe(h.machine.connectionLost(now: H.at(130))).isEmpty)
        #expect(H.describe(h.machine.tick(now: H.at(229))).isEmpty)
        #expect(H.describe(h.machine.tick(now: H.at(230))) == ["connect 10.0.0.2:2181"])
        // A member accepts TCP but never answers the handshake: given up after timeout / members.
        _ = h.machine.connectionEstablished(now: H.at(240))
        #expect(H.describe(h.machine.tick(now: H.at(1230))) == ["close", "connect 10.0.0.3:2181"])
        actions = h.machine.tick(now: H.at(3000))
        #expect(H.describe(actions) == ["close", "session expired"])
    }

    @Test func aFirstConnectionThatNeverComesFailsWithConnectionLoss() {
        var h = H(servers: [ServerAddress(host: "10.0.0.9", port: 1)], sessionTimeout: .seconds(1))
        _ = h.machine.start(now: H.at(0))
        _ = h.submit(.exists(PathWatchRequest(path: "/", watch: false)), promise: 1)
        #expect(H.describe(h.machine.connectionLost(now: H.at(5))).isEmpty)
        #expect(H.describe(h.machine.tick(now: H.at(105))) == ["connect 10.0.0.9:1"])
        #expect(H.describe(h.machine.tick(now: H.at(1000))) == ["close", "fail 1 CONNECTIONLOSS", "session closed"])
    }

    @Test func resumingSendsTheGivenCredentials() throws {
        var h = H(resume: SessionCredentials(id: 0x1234, password: [1, 2, 3]))
        _ = h.machine.start(now: H.at(0))
        let connect = try H.writtenConnectRequest(h.machine.connectionEstablished(now: H.at(1)))
        #expect(connect.sessionID == 0x1234)
        #expect(connect.password == [1, 2, 3])
    }

    @Test func closeSendsCloseSessionAndEndsOnItsAnswer() throws {
        var h = H()
        _ = h.open()
        _ = h.submit(.exists(PathWatchRequest(path: "/w", watch: true)), promise: 1, watcher: "w")
        _ = h.receive(H.reply(xid: 1) { StatResponse(stat: Stat()).encode(into: &$0) })
        var actions = h.machine.close(promise: 50, now: H.at(10))
        #expect(try H.writtenRequests(actions).map(\.request) == [.closeSession])
        #expect(H.describe(h.submit(.delete(DeleteRequest(path: "/z", version: -1)), promise: 2)) == ["fail 2 SESSIONEXPIRED"])
        actions = h.receive(H.reply(xid: 2), at: 20)
        #expect(H.describe(actions) == ["close", "session closed", "succeed 50", "end [\"w\"]"])
    }

    @Test func closeWhileReconnectingEndsAtOnce() {
        var h = H()
        _ = h.open()
        _ = h.machine.connectionLost(now: H.at(10))
        _ = h.submit(.delete(DeleteRequest(path: "/z", version: -1)), promise: 2, at: 11)
        let actions = h.machine.close(promise: 50, now: H.at(12))
        #expect(H.describe(actions) == ["close", "fail 2 SESSIONEXPIRED", "session closed", "succeed 50"])
    }

    @Test func anUnreadableFrameDropsOnlyThatConnection() {
        var h = H()
        _ = h.open()
        var garbage = ByteBuffer()
        garbage.writeBytes([1, 2, 3])
        #expect(H.describe(h.receive(garbage)) == ["close", "session disconnected", "connect 10.0.0.2:2181"])
        #expect(!h.machine.isEnded)
    }

    @Test func setWatchesIsSplitIntoBoundedRequests() {
        var registry = WatchRegistry<String>()
        for i in 0..<300 { registry.add("w", path: "/p/" + String(repeating: "x", count: 1000) + "\(i)", kind: .data) }
        registry.add("w", path: "/e", kind: .exist)
        let requests = registry.setWatchesRequests(relativeZxid: 5, maxPathBytes: 128 * 1024)
        #expect(requests.count == 3)
        #expect(requests.reduce(0) { $0 + $1.dataWatches.count } == 300)
        #expect(requests.last?.existWatches == ["/e"])
        #expect(requests.allSatisfy { $0.relativeZxid == 5 })
    }
}
