import Foundation
import Testing

@testable import KafkaSchemaGen

/// The committed Generated/ folder must be exactly what the generator writes today.
@Suite struct RegenerationTests {
    static let packageRoot = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let schemas = packageRoot.deletingLastPathComponent().appendingPathComponent("shared/kafka-protocol/messages")
    static let generated = packageRoot.appendingPathComponent("Sources/KafkaProtocol/Generated")

    @Test func regeneratingGivesTheCommittedOutputByteForByte() throws {
        guard FileManager.default.fileExists(atPath: Self.schemas.path) else {
            print("RegenerationTests: skipped, \(Self.schemas.path) is missing (../shared not beside the checkout)")
            return
        }
        let fresh = try Generator.generate(inputDirectory: Self.schemas)
        let committed = try FileManager.default.contentsOfDirectory(atPath: Self.generated.path).filter { $0.hasSuffix(".swift") }
        #expect(Set(committed) == Set(fresh.keys), "generated file set differs; run KafkaSchemaGen")
        for (name, contents) in fresh {
            let onDisk = try? String(contentsOf: Self.generated.appendingPathComponent(name), encoding: .utf8)
            #expect(onDisk == contents, "\(name) differs from the generator's output; run KafkaSchemaGen")
        }
    }
}
