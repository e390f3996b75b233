import Testing

@testable import KafkaBroker

/// Group placement must equal Kafka's `Utils.abs(groupId.hashCode()) % partitions`; the
/// expected hashes are what Java's String.hashCode returns for these strings.
@Suite struct GroupPartitionerTests {
    @Test(arguments: [
        ("hello", Int32(99_162_322)),
        ("", 0),
        ("g", 103),
        ("Aa", 2112),
        ("BB", 2112),
        ("my-group", -1_906_497_762),
        ("console-consumer-12345", 158_455_506),
        // Java hashes UTF-16 code units: one for "é", a surrogate pair for the emoji.
        ("é", 233),
        ("😀", 1_772_899),
        ("Zürich-gruppe", 2_039_490_090),
        ("polygenelubricants", Int32.min),
    ])
    func javaStringHashCode(_ text: String, _ expected: Int32) {
        #expect(GroupPartitioner.javaHashCode(text) == expected)
    }

    @Test(arguments: [
        ("hello", Int32(22)),
        ("my-group", 12),
        ("console-consumer-12345", 6),
        ("😀", 49),
        ("Zürich-gruppe", 40),
        // hashCode is Int32.min, whose Kafka abs is 0 (not an overflow, not negative).
        ("polygenelubricants", 0),
    ])
    func partitionMatchesKafkaForFiftyPartitions(_ group: String, _ expected: Int32) {
        #expect(GroupPartitioner.partition(for: group, partitionCount: 50) == expected)
    }

    @Test func kafkaAbsMapsMinToZero() {
        #expect(GroupPartitioner.kafkaAbs(.min) == 0)
        #expect(GroupPartitioner.kafkaAbs(-5) == 5)
        #expect(GroupPartitioner.kafkaAbs(7) == 7)
    }

    @Test func partitionStaysInRangeForAnyCount() {
        for count in Int32(1)...7 {
            for group in ["a", "bb", "ccc", "polygenelubricants", "my-group"] {
                let p = GroupPartitioner.partition(for: group, partitionCount: count)
                #expect(p >= 0 && p < count)
            }
        }
    }
}
