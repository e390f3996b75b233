import ArgumentParser
import Foundation
import LocalCluster

/// `--dir`, shared by `cluster up/down`, `fail` and `wait`, and what those commands need from
/// the process: the petrel binary brokers run, and progress lines on stdout as they happen.
struct LocalClusterOptions: ParsableArguments {
    @Option(help: "Directory of the local cluster: data, logs and cluster.json (default: ./\(LocalCluster.defaultDirectory)).")
    var dir: String?

    var directory: String { dir ?? LocalCluster.defaultDirectory }

    func cluster() -> LocalCluster {
        LocalCluster(directory: directory, report: { Progress.line($0) })
    }

    /// This very binary, so brokers run the petrel that started them.
    static func runningExecutable() throws -> String {
        if let path = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe") { return path }
        guard let path = Bundle.main.executablePath else {
            throw CLIError("Cannot tell where the petrel binary is; run it by its full path.")
        }
        return path
    }
}

extension CLIError {
    /// Runs `body`, turning a LocalCluster error into the one sentence it holds.
    static func wrapAsync<T>(_ body: () async throws -> T) async throws -> T {
        do { return try await body() } catch let error as LocalClusterError { throw CLIError(error.description) }
    }
}

/// Lines on stdout written at once (print buffers when stdout is a pipe), so progress shows
/// up as it happens.
enum Progress {
    static func line(_ text: String) {
        FileHandle.standardOutput.write(Data((text + "\n").utf8))
    }
}
