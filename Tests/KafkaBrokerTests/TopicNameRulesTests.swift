import Testing

@testable import KafkaBroker

@Suite struct TopicNameRulesTests {
    @Test func acceptsKafkaNames() {
        for name in ["orders", "a.b-c_D9", String(repeating: "x", count: 249)] {
            #expect(TopicNameRules.problem(with: name) == nil, "\(name)")
        }
    }

    @Test func rejectsWhatKafkaRejects() {
        for name in ["", ".", "..", "with space", "ünïcode", "slash/name", String(repeating: "x", count: 250)] {
            #expect(TopicNameRules.problem(with: name) != nil, "\(name)")
        }
    }

    @Test func dotsAndUnderscoresCollide() {
        #expect(TopicNameRules.collisionKey("a.b") == TopicNameRules.collisionKey("a_b"))
        #expect(TopicNameRules.collisionKey("a.b") != TopicNameRules.collisionKey("ab"))
    }
}
