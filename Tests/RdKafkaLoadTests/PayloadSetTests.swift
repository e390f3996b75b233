import RdKafkaLoad
import Testing

@Suite struct PayloadSetTests {
    @Test func payloadsHaveTheRequestedSizeAndDiffer() {
        let set = PayloadSet(size: 100, count: 8)
        let first = Array(set.payload(0))
        #expect(first.count == 100)
        #expect(Array(set.payload(1)) != first)
        #expect(Array(set.payload(8)) == first)
    }

    @Test func stampedTimestampReadsBack() {
        let set = PayloadSet(size: 64)
        let stamped = set.stamp(3, timestamp: 123_456_789)
        #expect(PayloadSet.timestamp(of: stamped) == 123_456_789)
        #expect(PayloadSet.timestamp(of: UnsafeRawBufferPointer(rebasing: stamped[0..<4])) == nil)
    }

    @Test func fillRepeatsThePayloads() {
        let set = PayloadSet(size: 10, count: 2)
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 25, alignment: 1)
        defer { buffer.deallocate() }
        set.fill(buffer)
        #expect(Array(buffer[0..<10]) == Array(set.payload(0)))
        #expect(Array(buffer[10..<20]) == Array(set.payload(1)))
        #expect(Array(buffer[20..<25]) == Array(set.payload(0)[0..<5]))
    }
}
