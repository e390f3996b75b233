import KafkaClient
import NIOCore
import Testing

@Suite struct PartitionerTests {
    /// Kafka's UtilsTest.testMurmur2 vectors.
    @Test(arguments: [
        ("21", Int32(-973_932_308)), ("foobar", -790_332_482), ("a-little-bit-long-string", -985_981_536),
        ("a-little-bit-longer-string", -1_486_304_829), ("lkjh234lh9fiuh90y23oiuhsafujhadof229phr9h19h89h8", -58_897_971),
        ("abc", 479_470_107),
    ])
    func murmur2MatchesJava(input: String, expected: Int32) {
        #expect(Partitioner.murmur2(Array(input.utf8)) == expected)
    }

    @Test func emptyInputHashesLikeJava() {
        // murmur2 of zero bytes is seed ^ 0 mixed: 275646681 in the Java client.
        #expect(Partitioner.murmur2([]) == 275_646_681)
    }

    @Test func keyedPartitionIsToPositiveModCount() {
        // toPositive(-790332482) = 1357151166.
        #expect(Partitioner.partition(forKey: ByteBuffer(string: "foobar"), partitionCount: 10) == 6)
        #expect(Partitioner.partition(forKey: ByteBuffer(string: "foobar"), partitionCount: 50) == 16)
        #expect(Partitioner.toPositive(Int32.min) == 0)
        #expect(Partitioner.toPositive(-1) == Int32.max)
    }

    @Test func keyReadFromASliceUsesOnlyItsReadableBytes() {
        var buffer = ByteBuffer(string: "xxfoobar")
        buffer.moveReaderIndex(forwardBy: 2)
        #expect(Partitioner.partition(forKey: buffer, partitionCount: 50) == 16)
    }
}
