import Testing
import TestSupport

@testable import ZooKeeperClient

/// Against one real standalone ZooKeeper (Debian's package), shared by the suite; every test works
/// under its own top-level path.
@Suite(.sharedStandaloneZooKeeper) struct StandaloneServerTests {
    var server: ZooKeeperProcess { get throws { try SharedStandaloneZooKeeper.current() } }

    @Test func crudWithVersions() async throws {
        try await withClient(try server.address) { zk in
            let path = uniquePath("crud")
            #expect(try await zk.exists(path) == nil)
            #expect(try await zk.create(path, data: bytes("v0")) == path)

            let read = try await zk.getData(path)
            #expect(read.data == bytes("v0"))
            #expect(read.stat.version == 0)
            #expect(read.stat.dataLength == 2)
            #expect(!read.stat.isEphemeral)

            let written = try await zk.setData(path, data: bytes("v1"), version: 0)
            #expect(written.version == 1)
            // A writer holding the old version loses: BADVERSION, and the data stays.
            await #expect(throws: ZooKeeperError(.badVersion, path: path)) {
                try await zk.setData(path, data: bytes("stale"), version: 0)
            }
            #expect(try await zk.getData(path).data == bytes("v1"))
            #expect(try await zk.setData(path, data: bytes("v2")).version == 2)

            await #expect(throws: ZooKeeperError(.nodeExists, path: path)) { try await zk.create(path) }
            try await zk.create(path + "/child")
            await #expect(throws: ZooKeeperError(.notEmpty, path: path)) { try await zk.delete(path) }
            let children = try await zk.getChildren(path)
            #expect(children.names == ["child"])
            #expect(children.stat.numChildren == 1)

            try await zk.delete(path + "/child")
            await #expect(throws: ZooKeeperError(.badVersion, path: path)) { try await zk.delete(path, version: 1) }
            try await zk.delete(path, version: 2)
            #expect(try await zk.exists(path) == nil)
            await #expect(throws: ZooKeeperError(.noNode, path: path)) { try await zk.getData(path) }
            await #expect(throws: ZooKeeperError(.noNode, path: path + "/x/y")) { try await zk.create(path + "/x/y") }
        }
    }

    @Test func ephemeralNodeDisappearsWhenItsSessionCloses() async throws {
        let address = try server.address
        try await withClient(address) { observer in
            let path = uniquePath("eph")
            let owner = try await ZooKeeperClient.connect(.init(connectString: address, sessionTimeout: .seconds(4)))
            try await owner.create(path, data: bytes("broker-1"), mode: .ephemeral)
            let stat = try #require(try await observer.exists(path))
            #expect(stat.ephemeralOwner == owner.sessionID)
            await #expect(throws: ZooKeeperError(.noChildrenForEphemerals, path: path + "/kid")) {
                try await owner.create(path + "/kid")
            }

            let deleted = EventRecorder<WatchEvent>()
            _ = try await observer.exists(path, watcher: deleted.watcher())
            await owner.close()
            #expect(await deleted.wait { $0 == [WatchEvent(kind: .nodeDeleted, path: path)] })
            #expect(try await observer.exists(path) == nil)
            // The closed client refuses further calls.
            await #expect(throws: ZooKeeperError.self) { try await owner.exists(path) }
            #expect(owner.isEnded)
        }
    }

    @Test func sequentialNodesGetIncreasingTenDigitSuffixes() async throws {
        try await withClient(try server.address) { zk in
            let parent = uniquePath("seq")
            try await zk.create(parent)
            let first = try await zk.create(parent + "/job-", data: bytes("a"), mode: .persistentSequential)
            let second = try await zk.create(parent + "/job-", mode: .ephemeralSequential)
            #expect(first == parent + "/job-0000000000")
            #expect(second == parent + "/job-0000000001")
            #expect(try await zk.exists(second)?.ephemeralOwner == zk.sessionID)
            #expect(Set(try await zk.getChildren(parent).names) == ["job-0000000000", "job-0000000001"])
        }
    }

    @Test func dataWatchFiresOnceOnChange() async throws {
        try await withClient(try server.address) { zk in
            let path = uniquePath("watch-data")
            try await zk.create(path, data: bytes("0"))
            let first = EventRecorder<WatchEvent>()
            _ = try await zk.getData(path, watcher: first.watcher())
            try await zk.setData(path, data: bytes("1"))
            #expect(await first.wait { $0 == [WatchEvent(kind: .nodeDataChanged, path: path)] })

            // A second change must not reach the fired watch. The server sends a session's
            // notifications in order, so once a later watch fired, an extra event would be here.
            try await zk.setData(path, data: bytes("2"))
            let sentinel = EventRecorder<WatchEvent>()
            _ = try await zk.exists(path, watcher: sentinel.watcher())
            try await zk.setData(path, data: bytes("3"))
            #expect(await sentinel.wait { !$0.isEmpty })
            #expect(first.events == [WatchEvent(kind: .nodeDataChanged, path: path)])
        }
    }

    @Test func childWatchFiresWhenAChildIsAdded() async throws {
        try await withClient(try server.address) { zk in
            let path = uniquePath("watch-kids")
            try await zk.create(path)
            let (watcher, events) = ZooKeeperWatcher.makeStream()
            #expect(try await zk.getChildren(path, watcher: watcher).names.isEmpty)
            try await zk.create(path + "/a")
            var iterator = events.makeAsyncIterator()
            #expect(await iterator.next() == WatchEvent(kind: .nodeChildrenChanged, path: path))
            #expect(try await zk.getChildren(path).names == ["a"])
        }
    }

    @Test func deletingANodeFiresItsDataAndChildWatches() async throws {
        try await withClient(try server.address) { zk in
            let path = uniquePath("watch-del")
            try await zk.create(path)
            let data = EventRecorder<WatchEvent>()
            let children = EventRecorder<WatchEvent>()
            _ = try await zk.getData(path, watcher: data.watcher())
            _ = try await zk.getChildren(path, watcher: children.watcher())
            try await zk.delete(path)
            let deleted = WatchEvent(kind: .nodeDeleted, path: path)
            #expect(await data.wait { $0 == [deleted] })
            #expect(await children.wait { $0 == [deleted] })
        }
    }

    @Test func existsWatchOnAMissingNodeFiresWhenAnotherSessionCreatesIt() async throws {
        let address = try server.address
        try await withClient(address) { watcherSide in
            try await withClient(address) { creator in
                let path = uniquePath("watch-create")
                let recorder = EventRecorder<WatchEvent>()
                #expect(try await watcherSide.exists(path, watcher: recorder.watcher()) == nil)
                try await creator.create(path, data: bytes("x"))
                #expect(await recorder.wait { $0 == [WatchEvent(kind: .nodeCreated, path: path)] })
            }
        }
    }

    @Test func multiCommitsAllOrNothing() async throws {
        try await withClient(try server.address) { zk in
            let root = uniquePath("multi")
            try await zk.create(root, data: bytes("state-0"))
            let results = try await zk.multi([
                .check(path: root, version: 0),
                .create(path: root + "/a", data: bytes("A")),
                .create(path: root + "/seq-", mode: .persistentSequential),
                .setData(path: root, data: bytes("state-1"), version: 0),
            ])
            #expect(results == [
                .checked, .created(path: root + "/a"), .created(path: root + "/seq-0000000001"),
                .dataSet(try #require(try await zk.exists(root))),
            ])

            // The check is stale now: nothing of this transaction may happen.
            do throws(ZooKeeperError) {
                _ = try await zk.multi([
                    .create(path: root + "/b"), .delete(path: root + "/a"), .check(path: root, version: 0),
                    .setData(path: root, data: bytes("lost")),
                ])
                Issue.record("a transaction with a stale check must fail")
            } catch {
                #expect(error.code == .badVersion)
                #expect(error.path == root)
                #expect(error.failedOperationIndex == 2)
                #expect(error.operationCodes == [.ok, .ok, .badVersion, .runtimeInconsistency])
            }
            #expect(try await zk.exists(root + "/b") == nil)
            #expect(try await zk.exists(root + "/a") != nil)
            #expect(try await zk.getData(root).data == bytes("state-1"))
            #expect(try await zk.multi([]) == [])
        }
    }

    @Test func badInputIsRefusedBeforeSendingAndTheSessionCarriesOn() async throws {
        try await withClient(try server.address) { zk in
            await #expect(throws: ZooKeeperError.self) { try await zk.create("no-slash") }
            await #expect(throws: ZooKeeperError.self) { try await zk.getData("/a//b") }
            let huge = [UInt8](repeating: 1, count: 2 << 20)
            do throws(ZooKeeperError) {
                try await zk.create(uniquePath("huge"), data: huge)
                Issue.record("2 MiB of data must be refused")
            } catch {
                #expect(error.code == .badArguments)
            }
            // The connection was never touched: the session is the same and works.
            let path = uniquePath("after")
            try await zk.create(path, data: [UInt8](repeating: 2, count: 512 * 1024))
            #expect(try await zk.getData(path).data.count == 512 * 1024)
        }
    }

    @Test func ensurePathCreatesMissingAncestorsAndKeepsExistingOnes() async throws {
        try await withClient(try server.address) { zk in
            let root = uniquePath("skeleton")
            try await zk.create(root, data: bytes("kept"))
            try await zk.ensurePath(root + "/brokers/ids")
            try await zk.ensurePath(root + "/brokers/ids")
            #expect(try await zk.getData(root).data == bytes("kept"))
            #expect(try await zk.getChildren(root + "/brokers").names == ["ids"])
            #expect(try await zk.exists(root + "/brokers/ids") != nil)
        }
    }

    @Test func manyConcurrentCallsArePipelinedAndAnsweredInOrder() async throws {
        try await withClient(try server.address) { zk in
            let root = uniquePath("pipeline")
            try await zk.create(root)
            try await withThrowingTaskGroup(of: Void.self) { group in
                for i in 0..<200 {
                    group.addTask { try await zk.create("\(root)/n\(i)", data: bytes("\(i)")) }
                }
                try await group.waitForAll()
            }
            let names = try await zk.getChildren(root).names
            #expect(names.count == 200)
            #expect(try await zk.getData("\(root)/n123").data == bytes("123"))
        }
    }
}
