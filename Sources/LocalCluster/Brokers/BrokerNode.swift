import Foundation

/// One `petrel broker` process of a local cluster: its id, port and directory, the settings it
/// runs with, and the pid while it runs. Data in `directory`/data, log in `directory`/broker.log.
public struct BrokerNode: Codable, Sendable, Equatable {
    public var id: Int32
    public var port: Int
    public var directory: String
    public var pid: Int32?

    public init(id: Int32, port: Int, directory: String, pid: Int32? = nil) {
        self.id = id
        self.port = port
        self.directory = directory
        self.pid = pid
    }

    public var address: String { "127.0.0.1:\(port)" }
    public var dataDirectory: String { directory + "/data" }
    public var logPath: String { directory + "/broker.log" }

    /// `petrel broker`'s arguments: id, listener, data dir, then `--set` for every setting.
    public func arguments(settings: [String: String]) -> [String] {
        var arguments = ["broker", "--node-id", "\(id)", "--listen", address, "--data-dir", dataDirectory]
        for (key, value) in settings.sorted(by: { $0.key < $1.key }) { arguments += ["--set", "\(key)=\(value)"] }
        return arguments
    }

    /// Starts the broker in a session of its own, so it outlives the command that started it.
    public func launch(executable: String, settings: [String: String]) throws -> Int32 {
        try FileManager.default.createDirectory(atPath: dataDirectory, withIntermediateDirectories: true)
        return try ProcessSpawner.spawn(
            executable: executable, arguments: arguments(settings: settings), logPath: logPath, detached: true)
    }

    /// True while the recorded pid is this broker (its command line names its data dir).
    public var isRunning: Bool {
        guard let pid else { return false }
        return ProcessTable.isAlive(pid, withArgument: dataDirectory)
    }

    public func logTail(_ bytes: Int = 2000) -> String {
        guard let data = FileManager.default.contents(atPath: logPath) else { return "" }
        return String(decoding: data.suffix(bytes), as: UTF8.self)
    }
}
