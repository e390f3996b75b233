import Foundation
import Testing
import TestSupport
import ZooKeeperClient

/// Starts one standalone ZooKeeper for a whole suite (tests use their own paths under it) and
/// stops it after the suite's last test.
struct SharedStandaloneZooKeeper: SuiteTrait, TestScoping {
    @TaskLocal static var server: ZooKeeperProcess?

    var isRecursive: Bool { false }

    func provideScope(
        for test: Test, testCase: Test.Case?, performing function: @Sendable () async throws -> Void
    ) async throws {
        let server = try await ZooKeeperProcess.standalone()
        defer { server.stop() }
        try await Self.$server.withValue(server) { try await function() }
    }

    /// The suite's server; fails the test with the reason when there is none.
    static func current() throws -> ZooKeeperProcess {
        try #require(server, "the suite needs the .sharedStandaloneZooKeeper trait")
    }
}

extension Trait where Self == SharedStandaloneZooKeeper {
    static var sharedStandaloneZooKeeper: Self { Self() }
}

/// Connects to `connectString`, runs `body`, and closes the client whatever happens.
@discardableResult
func withClient<T>(
    _ connectString: String, sessionTimeout: Duration = .seconds(4),
    _ body: (ZooKeeperClient) async throws -> T
) async throws -> T {
    let client = try await ZooKeeperClient.connect(
        ZooKeeperClient.Configuration(connectString: connectString, sessionTimeout: sessionTimeout))
    do {
        let result = try await body(client)
        await client.close()
        return result
    } catch {
        await client.close()
        throw error
    }
}

/// A fresh top-level path per test, so tests sharing a server never meet.
func uniquePath(_ label: String) -> String {
    "/\(label)-\(UUID().uuidString.prefix(8).lowercased())"
}

func bytes(_ text: String) -> [UInt8] { Array(text.utf8) }
