import Foundation

// Usage: KafkaSchemaGen [MESSAGES_DIR] [OUTPUT_DIR]
// Defaults are for running from the package root: ../shared/kafka-protocol/messages and
// Sources/KafkaProtocol/Generated. Stale generated files are removed.
let arguments = CommandLine.arguments.dropFirst()
let input = URL(fileURLWithPath: arguments.first ?? "../shared/kafka-protocol/messages")
let output = URL(fileURLWithPath: arguments.dropFirst().first ?? "Sources/KafkaProtocol/Generated")

do {
    let files = try Generator.generate(inputDirectory: input)
    try FileManager.default.createDirectory(at: output, withIntermediateDirectories: true)
    let existing = (try? FileManager.default.contentsOfDirectory(atPath: output.path)) ?? []
    for name in existing where name.hasSuffix(".swift") && files[name] == nil {
        try FileManager.default.removeItem(at: output.appendingPathComponent(name))
    }
    for (name, contents) in files.sorted(by: { $0.key < $1.key }) {
        try contents.write(to: output.appendingPathComponent(name), atomically: true, encoding: .utf8)
    }
    print("KafkaSchemaGen: wrote \(files.count) files to \(output.path)")
} catch {
    FileHandle.standardError.write(Data("KafkaSchemaGen: \(error)\n".utf8))
    exit(1)
}
