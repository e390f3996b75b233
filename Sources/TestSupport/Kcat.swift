import Foundation

/// Runs Debian's kcat (librdkafka) as a real client in tests.
public enum Kcat {
    public static var isAvailable: Bool { FileManager.default.isExecutableFile(atPath: "/usr/bin/kcat") }

    /// Produces `lines` (each "key:value" when `keyed`) and waits for delivery of all of them.
    public static func produce(bootstrap: String, topic: String, lines: [String], keyed: Bool = false, extra: [String] = []) throws {
        var args = ["-P", "-b", bootstrap, "-t", topic, "-X", "acks=all"]
        if keyed { args += ["-K", ":"] }
        let (status, _, err) = try run(args + extra, input: lines.joined(separator: "\n") + "\n")
        guard status == 0 else { throw TestSupportError("kcat produce failed (\(status)): \(err)") }
    }

    /// Consumes the whole topic from the beginning and exits at its end; one line per record.
    public static func consumeAll(bootstrap: String, topic: String, format: String = "%s\\n", extra: [String] = []) throws -> [String] {
        let (status, out, err) = try run(["-C", "-b", bootstrap, "-t", topic, "-o", "beginning", "-e", "-q", "-f", format] + extra, input: nil)
        guard status == 0 else { throw TestSupportError("kcat consume failed (\(status)): \(err)") }
        return out.split(separator: "\n", omittingEmptySubsequences: false).map(String.init).filter { !$0.isEmpty }
    }

    public static func run(_ arguments: [String], input: String?, timeout: TimeInterval = 60) throws -> (Int32, String, String) {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/kcat")
        p.arguments = arguments
        let out = Pipe()
        let err = Pipe()
        let inp = Pipe()
        p.standardOutput = out
        p.standardError = err
        p.standardInput = inp
        try p.run()
        if let input { inp.fileHandleForWriting.write(Data(input.utf8)) }
        try inp.fileHandleForWriting.close()
        let deadline = Date().addingTimeInterval(timeout)
        let outData = Box(Data())
        let errData = Box(Data())
        let reader = Thread {
            outData.value = out.fileHandleForReading.readDataToEndOfFile()
        }
        reader.start()
        errData.value = err.fileHandleForReading.readDataToEndOfFile()
        while p.isRunning && Date() < deadline { Thread.sleep(forTimeInterval: 0.02) }
        if p.isRunning {
            p.terminate()
            throw TestSupportError("kcat \(arguments.joined(separator: " ")) timed out")
        }
        while outData.value.isEmpty && reader.isExecuting { Thread.sleep(forTimeInterval: 0.01) }
        return (p.terminationStatus, String(decoding: outData.value, as: UTF8.self), String(decoding: errData.value, as: UTF8.self))
    }
}

final class Box<T>: @unchecked Sendable {
    var value: T
    init(_ value: T) { self.value = value }
}
