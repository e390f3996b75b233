import Foundation
import LocalCluster

/// A real `petrel broker` process for integration tests: free port, temp data dir, SIGTERM or
/// SIGKILL, restart on the same port and data.
public final class BrokerProcess: @unchecked Sendable {
    public let port: Int
    public let dataDir: String
    public let logPath: String
    private let extraArguments: [String]
    private let executable: String
    private var process: Process?

    public var bootstrap: String { "127.0.0.1:\(port)" }

    /// The running broker's pid (the benchmark reads its CPU time and RSS from /proc).
    public var processIdentifier: Int32? { process?.processIdentifier }

    /// - Parameter binary: the petrel executable; `BrokerProcess.binary` when nil.
    public init(binary: String? = nil, extraArguments: [String] = []) throws {
        self.port = try FreePort.pick()
        self.dataDir = try TempDirectory.make(prefix: "petrel-it-")
        self.logPath = dataDir + ".log"
        self.extraArguments = extraArguments
        self.executable = binary ?? Self.binary
    }

    /// The petrel binary: $PETREL_BIN, else the debug build next to this package.
    public static var binary: String {
        if let env = ProcessInfo.processInfo.environment["PETREL_BIN"] { return env }
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        return root.appendingPathComponent(".build/debug/petrel").path
    }

    public func start(timeout: TimeInterval = 30) throws {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: executable)
        p.arguments = ["broker", "--listen", "127.0.0.1:\(port)", "--data-dir", dataDir] + extraArguments
        _ = FileManager.default.createFile(atPath: logPath, contents: nil)
        let log = try FileHandle(forWritingTo: URL(fileURLWithPath: logPath))
        log.seekToEndOfFile()
        p.standardOutput = log
        p.standardError = log
        try p.run()
        process = p
        try waitUntilListening(timeout: timeout)
    }

    public func waitUntilListening(timeout: TimeInterval) throws {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            if FreePort.isListening(port) { return }
            if let p = process, !p.isRunning {
                throw TestSupportError("broker exited with \(p.terminationStatus); log: \(logTail())")
            }
            Thread.sleep(forTimeInterval: 0.05)
        }
        throw TestSupportError("broker did not listen on \(port) within \(timeout)s; log: \(logTail())")
    }

    /// SIGKILL: no shutdown hooks, no checkpoints; what the OS had must survive.
    public func kill9() {
        guard let p = process else { return }
        kill(p.processIdentifier, SIGKILL)
        p.waitUntilExit()
        process = nil
    }

    /// SIGTERM and wait for a clean exit.
    public func stop() {
        guard let p = process else { return }
        p.terminate()
        p.waitUntilExit()
        process = nil
    }

    public var isRunning: Bool { process?.isRunning ?? false }

    public func logTail(_ bytes: Int = 4000) -> String {
        guard let data = FileManager.default.contents(atPath: logPath) else { return "" }
        return String(decoding: data.suffix(bytes), as: UTF8.self)
    }

    deinit {
        if let p = process, p.isRunning {
            kill(p.processIdentifier, SIGKILL)
        }
    }
}

public struct TestSupportError: Error, CustomStringConvertible {
    public var description: String
    public init(_ description: String) { self.description = description }
}

public enum TempDirectory {
    public static func make(prefix: String) throws -> String {
        let path = NSTemporaryDirectory() + prefix + UUID().uuidString.prefix(8)
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }
}

/// Loopback ports for tests; LocalCluster's `LoopbackPort` does the socket work.
public enum FreePort {
    /// Binds port 0 on loopback and returns what the kernel picked.
    public static func pick() throws -> Int { try LoopbackPort.pickFree() }

    public static func isListening(_ port: Int) -> Bool { LoopbackPort.isListening(port) }
}
