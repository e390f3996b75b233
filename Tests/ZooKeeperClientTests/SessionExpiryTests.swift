import Testing
import TestSupport
import ZooKeeperClient

/// Sessions ending for good, against real servers (each test has its own: one is frozen).
@Suite struct SessionExpiryTests {
    @Test func aHungServerExpiresTheSessionAndTheClientRefusesCalls() async throws {
        let server = try await ZooKeeperProcess.standalone()
        defer { server.stop() }
        let path = uniquePath("hung")
        let client = try await ZooKeeperClient.connect(.init(connectString: server.address, sessionTimeout: .seconds(2)))
        let session = EventRecorder<SessionEvent>()
        session.record(client.sessionEvents)
        try await client.create(path, mode: .ephemeral)
        let (watcher, watchEvents) = ZooKeeperWatcher.makeStream()
        _ = try await client.getData(path, watcher: watcher)

        // SIGSTOP: the socket stays open but nothing answers, neither pings nor reconnects.
        server.pause()
        #expect(await session.wait { $0.contains(.disconnected) && $0.last == .expired })
        #expect(await session.waitFinished())
        do {
            _ = try await client.exists(path)
            Issue.record("an expired client must refuse calls")
        } catch {
            #expect(error.code == .sessionExpired)
        }
        // The watch will never fire: its stream ends instead of hanging.
        var iterator = watchEvents.makeAsyncIterator()
        #expect(await iterator.next() == nil)

        // Once the server runs again it expires the session too, and the ephemeral node goes.
        server.resume()
        try await withClient(server.address) { observer in
            let gone = await poll(upTo: 30) { ((try? await observer.exists(path)) ?? nil) == nil }
            #expect(gone, "the expired session's ephemeral node must be deleted")
        }
    }

    @Test func theServerDeclaringTheSessionExpiredIsSurfaced() async throws {
        let server = try await ZooKeeperProcess.standalone()
        defer { server.stop() }
        // The client reaches the server through a proxy the test can cut.
        let proxy = try await TCPProxy.start(port: server.clientPort)
        let path = uniquePath("declared")
        let client = try await ZooKeeperClient.connect(.init(connectString: proxy.address, sessionTimeout: .seconds(10)))
        let session = EventRecorder<SessionEvent>()
        session.record(client.sessionEvents)
        try await client.create(path, mode: .ephemeral)
        let credentials = try #require(client.credentials)

        // Cut off, the client keeps trying with the same session; meanwhile another connection
        // takes the session over (id + password) and closes it, so the server ends it.
        await proxy.cut()
        #expect(await session.wait { $0.last == .disconnected })
        var resume = try ZooKeeperClient.Configuration(connectString: server.address, sessionTimeout: .seconds(10))
        resume.resume = credentials
        let thief = try await ZooKeeperClient.connect(resume)
        #expect(thief.sessionID == credentials.id)
        await thief.close()
        try await withClient(server.address) { observer throws in
            #expect(try await observer.exists(path) == nil)
        }

        // Back in touch long before its own timeout, the client is told "expired" at the handshake.
        try await proxy.restore()
        #expect(await session.wait { $0.last == .expired })
        #expect(client.isEnded)
        do throws(ZooKeeperError) {
            try await client.create(path + "-again")
            Issue.record("an expired client must refuse calls")
        } catch {
            #expect(error.code == .sessionExpired)
        }
        // Resuming a dead session fails at connect with SESSIONEXPIRED.
        do throws(ZooKeeperError) {
            _ = try await ZooKeeperClient.connect(resume)
            Issue.record("resuming a closed session must fail")
        } catch {
            #expect(error.code == .sessionExpired)
        }
        await proxy.stop()
    }

    @Test func connectingToNothingFailsWithConnectionLoss() async throws {
        let port = try FreePort.pick()  // nothing listens there
        do {
            _ = try await ZooKeeperClient.connect(.init(connectString: "127.0.0.1:\(port)", sessionTimeout: .milliseconds(500)))
            Issue.record("connect must fail when no server listens")
        } catch {
            #expect(error.code == .connectionLoss)
        }
    }
}
