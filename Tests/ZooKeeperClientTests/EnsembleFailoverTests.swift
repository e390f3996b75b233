import Testing
import TestSupport
import ZooKeeperClient

/// Against a real 3-member ensemble: the member a client is on dies (kill -9) or hangs, and the
/// session moves to another member with its ephemeral nodes and watches intact.
@Suite(.serialized) struct EnsembleFailoverTests {
    @Test func killingTheConnectedMemberMovesTheSessionToAnother() async throws {
        let ensemble = try await ZooKeeperEnsemble.start(size: 3)
        defer { ensemble.stop() }
        let client = try await ZooKeeperClient.connect(.init(connectString: ensemble.connectString, sessionTimeout: .seconds(8)))
        let session = EventRecorder<SessionEvent>()
        session.record(client.sessionEvents)
        let sessionID = client.sessionID
        let root = uniquePath("failover")
        try await client.create(root, data: bytes("0"))
        try await client.create(root + "-broker", data: bytes("me"), mode: .ephemeral)
        let dataWatch = EventRecorder<WatchEvent>()
        let childWatch = EventRecorder<WatchEvent>()
        _ = try await client.getData(root, watcher: dataWatch.watcher())
        _ = try await client.getChildren(root, watcher: childWatch.watcher())

        let first = try #require(client.connectedServer)
        let victim = try #require(ensemble.member(at: first))
        victim.kill9()

        #expect(await session.wait(upTo: 30) { events in
            events.filter { if case .connected = $0 { true } else { false } }.count == 2
        })
        #expect(session.events.contains(.disconnected))
        #expect(!session.events.contains(.expired))
        #expect(client.sessionID == sessionID)
        let second = try #require(client.connectedServer)
        #expect(second != first)

        // The watches set before the kill fire for changes made through another member afterwards.
        let survivors = ensemble.members.filter { $0 !== victim }.map(\.address).joined(separator: ",")
        try await withClient(survivors) { other in
            #expect(try await other.exists(root + "-broker")?.ephemeralOwner == sessionID)
            try await other.setData(root, data: bytes("1"))
            try await other.create(root + "/child")
        }
        #expect(await dataWatch.wait { $0 == [WatchEvent(kind: .nodeDataChanged, path: root)] })
        #expect(await childWatch.wait { $0 == [WatchEvent(kind: .nodeChildrenChanged, path: root)] })
        // And the session keeps working where it is now.
        #expect(try await client.getData(root).data == bytes("1"))
        await client.close()
    }

    @Test func aChangeMadeWhileTheClientIsAwayFiresItsWatchAtReconnect() async throws {
        let ensemble = try await ZooKeeperEnsemble.start(size: 3)
        defer { ensemble.stop() }
        let client = try await ZooKeeperClient.connect(.init(connectString: ensemble.connectString, sessionTimeout: .seconds(8)))
        let session = EventRecorder<SessionEvent>()
        session.record(client.sessionEvents)
        let path = uniquePath("away")
        try await client.create(path, data: bytes("before"))
        let watch = EventRecorder<WatchEvent>()
        _ = try await client.getData(path, watcher: watch.watcher())

        // Freeze the client's member: the client is cut off but has not noticed yet.
        let connected = try #require(client.connectedServer)
        let hung = try #require(ensemble.member(at: connected))
        hung.pause()
        defer { hung.resume() }
        let survivors = ensemble.members.filter { $0 !== hung }.map(\.address).joined(separator: ",")
        try await withClient(survivors, sessionTimeout: .seconds(8)) { other in
            try await other.setData(path, data: bytes("while away"))
        }
        // The frozen member never told the client; after the reconnect, SetWatches (with the last
        // zxid the client saw) makes the new member fire the watch for the missed change.
        #expect(await watch.wait(upTo: 30) { $0 == [WatchEvent(kind: .nodeDataChanged, path: path)] })
        #expect(session.events.contains(.disconnected))
        #expect(!session.events.contains(.expired))
        #expect(try await client.getData(path).data == bytes("while away"))
        await client.close()
    }
}
