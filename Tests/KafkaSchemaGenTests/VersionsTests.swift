import Testing

@testable import KafkaSchemaGen

@Suite struct VersionsTests {
    @Test func parsesEveryForm() throws {
        #expect(try Versions(parsing: "3+") == Versions(lowest: 3, highest: Int(Int16.max)))
        #expect(try Versions(parsing: "0-7") == Versions(lowest: 0, highest: 7))
        #expect(try Versions(parsing: "4") == Versions(lowest: 4, highest: 4))
        #expect(try Versions(parsing: "none").isEmpty)
        #expect(throws: GeneratorError.self) { try Versions(parsing: "x-") }
    }

    @Test func emitsTheNarrowestCondition() throws {
        let message = Versions(lowest: 0, highest: 11)
        #expect(try Versions(parsing: "0+").condition(within: message) == nil)
        #expect(try Versions(parsing: "3+").condition(within: message) == "version >= 3")
        #expect(try Versions(parsing: "0-2").condition(within: message) == "version <= 2")
        #expect(try Versions(parsing: "3-5").condition(within: message) == "version >= 3 && version <= 5")
        #expect(try Versions(parsing: "12+").condition(within: message) == "false")
        // Inside a struct that only exists from v4, a 4+ field needs no check.
        #expect(try Versions(parsing: "4+").condition(within: Versions(lowest: 4, highest: 11)) == nil)
    }

    @Test func stripsLineCommentsButNotSlashesInStrings() {
        let text = "{ \"about\": \"see http://x\" } // trailing\n// whole line\n"
        #expect(SchemaLoader.stripComments(text) == "{ \"about\": \"see http://x\" } \n\n\n")
    }
}
